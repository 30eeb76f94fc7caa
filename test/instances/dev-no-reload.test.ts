/** `destfn dev --no-reload`: saving a function folder does not touch the running engine; the next start runs the new code. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postJson, track, waitFor } from '../local/helpers/engine';
import { startDev, type DevProcess } from '../local/helpers/child';
import { tempProject, writeFunction, URL_SETTING, type TempProject } from '../local/helpers/functions';
import { startSink, type Sink } from '../local/helpers/sink';

const versioned = (version: string) => `async function onTrack(event, settings) {
  await fetch(settings.url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messageId: event.messageId, version: ${JSON.stringify(version)} }) });
}`;

let project: TempProject;
let sink: Sink;
let dev: DevProcess | undefined;
beforeAll(async () => {
  project = tempProject();
  sink = await startSink();
  writeFunction(project.functionsDir, 'edited', { code: versioned('v1'), config: { settings: URL_SETTING }, settings: { url: `${sink.url}/edited` } });
});
afterAll(async () => {
  if (dev && dev.proc.exitCode === null) dev.proc.kill('SIGKILL');
  await sink.close();
  project.cleanup();
});

const versionOf = async (proc: DevProcess, id: string): Promise<string> => {
  expect((await postJson(`${proc.url}/v1/track`, track(id), proc.writeKey)).status).toBe(200);
  await waitFor(`${id} delivered`, () => sink.count(id) > 0);
  return (sink.requests.find((r) => (r.json as { messageId: string }).messageId === id)!.json as { version: string }).version;
};

test('an edit waits for the next start', async () => {
  dev = await startDev(['--dir', project.functionsDir, '--data', project.dataDir, '--no-reload']);
  expect(await versionOf(dev, 'n-1')).toBe('v1');
  writeFileSync(join(project.functionsDir, 'edited', 'index.js'), versioned('v2'));
  await new Promise((r) => setTimeout(r, 600)); // hot reload (when on) settles within 150 ms
  expect(await versionOf(dev, 'n-2')).toBe('v1');
  expect(dev.output()).not.toContain('edited: reloaded');
  dev.proc.kill('SIGTERM');
  await dev.exited;

  dev = await startDev(['--dir', project.functionsDir, '--data', project.dataDir, '--no-reload']);
  expect(await versionOf(dev, 'n-3')).toBe('v2');
}, 60_000);

/** Hot reload: saved code, settings, new and removed function folders take effect without a restart. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../runtime/local/engine';
import { tempProject, writeFunction, URL_SETTING, type TempProject } from './helpers/functions';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { startSink, type Sink } from './helpers/sink';

let project: TempProject;
let sink: Sink;
let engine: Engine;
const notices: string[] = [];

const versioned = (version: string) => `
async function onTrack(event, settings) {
  await fetch(settings.url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messageId: event.messageId, version: ${JSON.stringify(version)} }) });
  return ${JSON.stringify(version)};
}`;

beforeAll(async () => {
  project = tempProject();
  sink = await startSink();
  writeFunction(project.functionsDir, 'hot', { code: versioned('v1'), config: { settings: URL_SETTING }, settings: { url: `${sink.url}/hot` } });
  engine = await testEngine(project);
  engine.events.on('notice', (text: string) => notices.push(text));
});
afterAll(async () => {
  await engine.stop();
  await sink.close();
  project.cleanup();
});

async function deliveredBy(fn: string, id: string): Promise<{ version: string; path: string }> {
  expect((await postJson(`${engine.url}/v1/track`, track(id), engine.writeKey)).status).toBe(200);
  await waitFor(`${fn} delivers ${id}`, () => engine.records.get(fn, id)?.status === 'delivered');
  const req = sink.requests.find((r) => (r.json as { messageId: string }).messageId === id && r.path.startsWith(`/${fn}`))!;
  return { version: (req.json as { version: string }).version, path: req.path };
}

const noticed = (text: string) => waitFor(`notice "${text}"`, () => notices.some((n) => n.includes(text)), 5000);

test('saving new code takes effect for the next event; a broken save keeps the previous version', async () => {
  expect(await deliveredBy('hot', 'h-1')).toEqual({ version: 'v1', path: '/hot' });

  writeFileSync(join(project.functionsDir, 'hot', 'index.js'), versioned('v2'));
  await noticed('hot: reloaded');
  expect(await deliveredBy('hot', 'h-2')).toEqual({ version: 'v2', path: '/hot' });

  writeFileSync(join(project.functionsDir, 'hot', 'index.js'), 'async function onTrack(event {');
  await noticed('hot: reload failed, keeping the previous version');
  expect(await deliveredBy('hot', 'h-3')).toEqual({ version: 'v2', path: '/hot' });
});

test('changed settings are reloaded too', async () => {
  writeFileSync(join(project.functionsDir, 'hot', 'index.js'), versioned('v3'));
  writeFileSync(join(project.functionsDir, 'hot', 'settings.json'), JSON.stringify({ url: `${sink.url}/hot-new` }));
  let n = 0;
  await waitFor('code and settings applied', async () => {
    const got = await deliveredBy('hot', `h-s-${n++}`);
    return got.path === '/hot-new' && got.version === 'v3';
  }, 5000);
});

test('a new function folder starts receiving events; a removed one stops', async () => {
  writeFunction(project.functionsDir, 'fresh', { code: versioned('fresh'), config: { settings: URL_SETTING }, settings: { url: `${sink.url}/fresh` } });
  await noticed('fresh: added');
  expect(await deliveredBy('fresh', 'h-4')).toEqual({ version: 'fresh', path: '/fresh' });
  expect((await (await fetch(`${engine.url}/health`)).json())).toMatchObject({ functions: ['fresh', 'hot'] });

  rmSync(join(project.functionsDir, 'fresh'), { recursive: true });
  await noticed('fresh: removed');
  await deliveredBy('hot', 'h-5');
  expect(engine.records.get('fresh', 'h-5')).toBeNull();
  expect(engine.functions()).toEqual(['hot']);
});

/** `destfn dev` as users run it: banner, configuration errors, graceful stop on SIGTERM. */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { banner } from '../../runtime/cli/dev';
import { openDb } from '../../runtime/local/db';
import { startEngine } from '../../runtime/local/engine';
import { tempProject, writeFunction, URL_SETTING, type TempProject } from './helpers/functions';
import { postJson, track, waitFor } from './helpers/engine';
import { spawnDev, startDev, type DevProcess } from './helpers/child';
import { startSink, type Sink } from './helpers/sink';

let project: TempProject;
let sink: Sink;
const children: DevProcess[] = [];

beforeAll(async () => {
  project = tempProject();
  sink = await startSink();
});
afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  await sink.close();
  project.cleanup();
});

test('a missing required setting stops the start with a message naming the function and the setting', async () => {
  const p = tempProject();
  try {
    writeFunction(p.functionsDir, 'needy', { code: 'async function onTrack() {}', config: { settings: { endpoint: { type: 'string', required: true } } } });
    const child = spawnDev(['--dir', p.functionsDir, '--data', p.dataDir, '--port', '0']);
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(child.output()).toMatch(/function "needy": setting "endpoint" is required/);
  } finally {
    p.cleanup();
  }
});

test('SIGTERM: stops taking requests, the in-flight event finishes, the rest is released, exit 0', async () => {
  writeFunction(project.functionsDir, 'slow', {
    code: `async function onTrack(event, settings) {
      const post = (what) => fetch(settings.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messageId: event.messageId, what }) });
      await post('start');
      await new Promise((r) => setTimeout(r, 1500));
      await post('done');
      return 'finished';
    }`,
    config: { settings: URL_SETTING, maxConcurrency: 1, timeoutSeconds: 5 },
    settings: { url: `${sink.url}/slow` },
  });
  const dev = await startDev(['--dir', project.functionsDir, '--data', project.dataDir], { DESTFN_WRITE_KEY: 'my-chosen-key' });
  children.push(dev);

  // The banner: URL, the write key from DESTFN_WRITE_KEY, a curl to copy.
  expect(dev.writeKey).toBe('my-chosen-key');
  expect(dev.output()).toContain(`curl -s ${dev.url}/v1/track -u 'my-chosen-key:'`);
  expect(dev.output()).toMatch(/functions +slow/);

  const batch = { batch: [track('g-1'), track('g-2'), track('g-3')] };
  expect((await postJson(`${dev.url}/v1/batch`, batch, dev.writeKey)).status).toBe(200);
  const seen = (what: string) => sink.requests.filter((r) => (r.json as { what?: string }).what === what).map((r) => (r.json as { messageId: string }).messageId);
  await waitFor('first event started', () => seen('start').length === 1);
  const started = seen('start')[0];

  dev.proc.kill('SIGTERM');
  await waitFor('server closed', async () => {
    try { await fetch(`${dev.url}/health`); return false; } catch { return true; }
  });
  expect(await dev.exited).toEqual({ code: 0, signal: null });
  expect(seen('done')).toEqual([started]); // finished before the exit
  expect(seen('start')).toHaveLength(1); // nothing else was started

  const db = openDb(project.dataDir);
  const delivered = db.prepare("SELECT message_id FROM deliveries WHERE function = 'slow' AND status = 'delivered'").pluck().all();
  const waiting = db.prepare("SELECT message_id, attempts FROM messages WHERE function = 'slow' ORDER BY message_id").all();
  db.close();
  expect(delivered).toEqual([started]);
  expect(waiting).toEqual(['g-1', 'g-2', 'g-3'].filter((id) => id !== started).map((message_id) => ({ message_id, attempts: 0 })));

  // The next start delivers the rest.
  const engine = await startEngine({ functionsDir: project.functionsDir, dataDir: project.dataDir, rootDir: project.root, port: 0, quiet: true });
  try {
    await waitFor('the rest delivered', () => seen('done').length === 3, 10_000);
  } finally {
    await engine.stop();
  }
}, 60_000);

test('two engines on one data dir: the second refuses to start', async () => {
  const p = tempProject();
  try {
    writeFunction(p.functionsDir, 'noop', { code: 'async function onTrack() {}' });
    const first = await startEngine({ functionsDir: p.functionsDir, dataDir: p.dataDir, port: 0, quiet: true, prewarm: false });
    await expect(startEngine({ functionsDir: p.functionsDir, dataDir: p.dataDir, port: 0, quiet: true })).rejects.toThrow(/another destfn engine/);
    await first.stop();
    const again = await startEngine({ functionsDir: p.functionsDir, dataDir: p.dataDir, port: 0, quiet: true, prewarm: false });
    await again.stop();
  } finally {
    p.cleanup();
  }
});

test('the banner names the source whose write key it shows: a project without a "dev" source shows its first one and where every key is', async () => {
  const p = tempProject();
  try {
    writeFileSync(join(p.root, 'destfn.config.json'), JSON.stringify({ sources: { web: {}, mobile: {} } }));
    writeFunction(p.functionsDir, 'quiet', { code: 'async function onTrack() {}' });
    const engine = await startEngine({ functionsDir: p.functionsDir, dataDir: p.dataDir, rootDir: p.root, port: 0, quiet: true, watch: false });
    try {
      const web = engine.sources.find((s) => s.name === 'web')!;
      expect(engine.writeKey).toBe(web.writeKey);
      expect(banner(engine, 'localhost')).toContain(`write key  ${web.writeKey}   (source "web"; every source's key: ${join(relative(process.cwd(), p.dataDir), 'sources.json')})`);
    } finally {
      await engine.stop();
    }
  } finally {
    p.cleanup();
  }
}, 30_000);

test('with a "dev" source among others, the banner shows its key and where the others\' are', async () => {
  const p = tempProject();
  try {
    writeFileSync(join(p.root, 'destfn.config.json'), JSON.stringify({ sources: { dev: {}, 'web-eu': {}, 'web-us': {} } }));
    writeFunction(p.functionsDir, 'quiet', { code: 'async function onTrack() {}' });
    const engine = await startEngine({ functionsDir: p.functionsDir, dataDir: p.dataDir, rootDir: p.root, port: 0, quiet: true, watch: false });
    try {
      const dev = engine.sources.find((s) => s.name === 'dev')!;
      expect(banner(engine, 'localhost')).toContain(`write key  ${dev.writeKey}   (source "dev"; `);
      expect(banner(engine, 'localhost')).toContain(`; the keys of web-eu, web-us: ${join(relative(process.cwd(), p.dataDir), 'sources.json')})\n`);
    } finally {
      await engine.stop();
    }
  } finally {
    p.cleanup();
  }
}, 30_000);

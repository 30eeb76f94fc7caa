/**
 * Instances on the local engine: one folder `shop` with instances `eu` and `us`, each subscribed to its own
 * source, with its own committed settings and its own secret. Each gets only its events, runs with only its
 * settings and secrets, keeps its own records and logs; the CLI addresses `shop` (both) or `shop:eu` (one).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as deliveriesCli from '../../runtime/cli/deliveries';
import * as logsCli from '../../runtime/cli/logs';
import * as replayCli from '../../runtime/cli/replay';
import * as pauseCli from '../../runtime/cli/pause';
import * as resumeCli from '../../runtime/cli/resume';
import * as runCommand from '../../runtime/cli/run';
import * as statusCli from '../../runtime/cli/status';
import * as secretsCli from '../../runtime/cli/secrets';
import { readFunctionFolder } from '../../runtime/function';
import type { Engine } from '../../runtime/local/engine';
import { runCli } from '../local/helpers/cli';
import { postJson, testEngine, track, waitFor } from '../local/helpers/engine';
import { tempProject, writeFunction, type TempProject } from '../local/helpers/functions';
import { startSink, type Sink } from '../local/helpers/sink';

const EU_SECRET = 'sk-eu-7f3a9c1e5b';
const US_SECRET = 'sk-us-2d8b4f6a0c';

const CODE = `
async function onTrack(event, settings) {
  console.log('delivering with key', settings.apiKey, 'in', settings.region);
  await fetch(settings.url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messageId: event.messageId, region: settings.region, apiKey: settings.apiKey, ip: event.context && event.context.ip }) });
  return settings.region;
}`;

let project: TempProject;
let sink: Sink;
let engine: Engine;
const notices: string[] = [];
let keys: Record<string, string>;

function shopConfig(usRegion = 'us-east-1') {
  return {
    drop: ['context.ip'],
    settings: {
      url: { type: 'string', required: true },
      region: { type: 'string', required: true },
      apiKey: { type: 'string', required: true, secret: true },
    },
    instances: {
      eu: { sources: ['web-eu'], settings: { url: `${sink.url}/eu`, region: 'eu-west-1' } },
      us: { sources: ['web-us'], drop: [], settings: { url: `${sink.url}/us`, region: usRegion } },
    },
  };
}

beforeAll(async () => {
  project = tempProject();
  sink = await startSink();
  writeFileSync(join(project.root, 'destfn.config.json'), JSON.stringify({ sources: { 'web-eu': {}, 'web-us': {} } }));
  const dir = writeFunction(project.functionsDir, 'shop', { code: CODE, config: shopConfig() });
  writeFileSync(join(dir, 'settings.local.json'), JSON.stringify({ eu: { apiKey: EU_SECRET }, us: { apiKey: US_SECRET } }));
  engine = await testEngine(project);
  engine.events.on('notice', (text: string) => notices.push(text));
  keys = Object.fromEntries(engine.sources.map((s) => [s.name, s.writeKey]));
});
afterAll(async () => {
  await engine.stop();
  await sink.close();
  project.cleanup();
});

const send = async (source: string, id: string) => {
  const event = track(id, { context: { ip: '203.0.113.9' } });
  expect((await postJson(`${engine.url}/v1/track`, event, keys[source])).status).toBe(200);
};
const bodyOf = (path: string, id: string) =>
  sink.requests.find((r) => r.path === path && (r.json as { messageId: string }).messageId === id)?.json as Record<string, unknown> | undefined;
const cli = (main: (argv: string[]) => Promise<number>, argv: string[]) => runCli(main, [...argv, '--data', project.dataDir]);

test('the engine runs one function per instance', () => {
  expect(engine.functions()).toEqual(['shop:eu', 'shop:us']);
});

test('each instance gets only its source\'s events, with only its settings, secret and drop paths', async () => {
  await send('web-eu', 'eu-1');
  await send('web-us', 'us-1');
  await waitFor('both delivered', () => engine.records.get('shop:eu', 'eu-1')?.status === 'delivered'
    && engine.records.get('shop:us', 'us-1')?.status === 'delivered');

  expect(bodyOf('/eu', 'eu-1')).toEqual({ messageId: 'eu-1', region: 'eu-west-1', apiKey: EU_SECRET });
  expect(bodyOf('/us', 'us-1')).toEqual({ messageId: 'us-1', region: 'us-east-1', apiKey: US_SECRET, ip: '203.0.113.9' });
  expect(sink.requests.filter((r) => r.path === '/eu').map((r) => (r.json as { messageId: string }).messageId)).toEqual(['eu-1']);
  expect(engine.records.get('shop:us', 'eu-1')).toBeNull();
  expect(engine.records.get('shop:eu', 'us-1')).toBeNull();
});

test('logs are each instance\'s own, its secret redacted', async () => {
  const eu = engine.records.lastLogs('shop:eu', 10).flatMap((l) => l.lines).join('\n');
  const us = engine.records.lastLogs('shop:us', 10).flatMap((l) => l.lines).join('\n');
  expect(eu).toContain('delivering with key [REDACTED] in eu-west-1');
  expect(us).toContain('delivering with key [REDACTED] in us-east-1');
  for (const text of [eu, us]) {
    expect(text).not.toContain(EU_SECRET.slice(0, 8));
    expect(text).not.toContain(US_SECRET.slice(0, 8));
  }
});

test('deliveries, logs and replay address `shop` (every instance) or `shop:eu` (one)', async () => {
  const both = await cli(deliveriesCli.main, ['shop', '--json']);
  expect(both.code).toBe(0);
  const records = JSON.parse(both.stdout) as { function: string; messageId: string }[];
  expect(records.map((r) => `${r.function} ${r.messageId}`).sort()).toEqual(['shop:eu eu-1', 'shop:us us-1']);

  const table = await cli(deliveriesCli.main, ['shop']);
  expect(table.stdout.split('\n')[0]).toMatch(/^function +updated \(UTC\)/);
  expect(table.stdout).toMatch(/shop:eu +\S+ \S+ +eu-1 /);

  const one = await cli(deliveriesCli.main, ['shop:eu', '--json']);
  expect((JSON.parse(one.stdout) as { messageId: string }[]).map((r) => r.messageId)).toEqual(['eu-1']);

  const logs = await cli(logsCli.main, ['shop']);
  expect(logs.stdout).toMatch(/^\[shop:eu\] .*eu-1 +delivering with key \[REDACTED\] in eu-west-1$/m);
  expect(logs.stdout).toMatch(/^\[shop:us\] .*us-1 +delivering with key \[REDACTED\] in us-east-1$/m);
  const usLogs = await cli(logsCli.main, ['shop:us']);
  expect(usLogs.stdout).not.toContain('eu-west-1');

  const replay = await cli(replayCli.main, ['shop']);
  expect(replay.stdout).toContain('moved 0 event(s) from the DLQ of "shop:eu"');
  expect(replay.stdout).toContain('moved 0 event(s) from the DLQ of "shop:us"');

  const unknown = await cli(deliveriesCli.main, ['shop:asia']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no function "shop:asia" in');
  expect(unknown.stderr).toContain('the functions are: shop:eu, shop:us');
  const prefix = await cli(deliveriesCli.main, ['sho']);
  expect(prefix.code).toBe(1);
});

test('status, pause and resume address `shop` (every instance) or `shop:eu` (one)', async () => {
  const status = await cli(statusCli.main, ['shop']);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain('shop:eu');
  expect(status.stdout).toContain('shop:us');
  const paused = await cli(pauseCli.main, ['shop:eu']);
  expect(paused.stdout).toContain('pause: "shop:eu" paused');
  expect(paused.stdout).not.toContain('shop:us');
  const resumed = await cli(resumeCli.main, ['shop']);
  expect(resumed.stdout).toContain('resume: "shop:eu" resumed');
  expect(resumed.stdout).toContain('resume: "shop:us" was not paused by an operator');
  expect((await cli(statusCli.main, ['shop:asia'])).code).toBe(1);
});

test('destfn run invokes every instance with its own settings, or one', async () => {
  const all = await runCli(runCommand.main, ['shop', '--event', 'identify', '--dir', project.functionsDir]);
  expect(all.stdout).toMatch(/== shop:eu ==[\s\S]*== shop:us ==/);
  const eu = await runCli(runCommand.main, ['shop:eu', '--event', 'identify', '--dir', project.functionsDir, '--json']);
  expect(eu.stdout).not.toContain('us-east-1');
  expect(eu.stdout).not.toContain('==');
  const bad = await runCli(runCommand.main, ['shop:asia', '--event', 'track', '--dir', project.functionsDir]);
  expect(bad.stderr).toContain('function "shop" has no instance "asia" (instances: shop:eu, shop:us)');
});

test('secrets set shop:us changes only that instance; the engine reloads only it', async () => {
  const file = join(project.functionsDir, 'shop', 'settings.local.json');
  const set = await runCli(secretsCli.main, ['set', 'shop:us', 'apiKey=sk-us-rotated-99', '--dir', project.functionsDir]);
  expect(set.code).toBe(0);
  expect(set.stdout).not.toContain('sk-us-rotated');
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ eu: { apiKey: EU_SECRET }, us: { apiKey: 'sk-us-rotated-99' } });
  await waitFor('shop:us reloaded', () => notices.some((n) => n === 'shop:us: reloaded'), 5000);
  expect(notices.filter((n) => n.startsWith('shop:eu'))).toEqual([]);

  await send('web-us', 'us-2');
  await waitFor('us-2 delivered', () => engine.records.get('shop:us', 'us-2')?.status === 'delivered');
  expect(bodyOf('/us', 'us-2')).toMatchObject({ apiKey: 'sk-us-rotated-99' });
});

const versionsNow = () => Object.fromEntries(readFunctionFolder(join(project.functionsDir, 'shop')).map((d) => [d.name, d.version!]));

test('every record carries the code version of the instance that made its last attempt', async () => {
  const versions = versionsNow();
  expect(versions['shop:eu']).toMatch(/^[0-9a-f]{12}$/);
  expect(versions['shop:eu']).not.toBe(versions['shop:us']);
  expect(engine.records.get('shop:eu', 'eu-1')?.version).toBe(versions['shop:eu']);
  expect(engine.records.get('shop:us', 'us-1')?.version).toBe(versions['shop:us']);
  const table = await cli(deliveriesCli.main, ['shop:eu']);
  expect(table.stdout.split('\n')[0]).toMatch(/ version +last error/);
  expect(table.stdout).toContain(versions['shop:eu']);
});

test('hot reload of function.json replaces only the instance whose config changed', async () => {
  notices.length = 0;
  const before = versionsNow();
  writeFileSync(join(project.functionsDir, 'shop', 'function.json'), JSON.stringify(shopConfig('us-west-2')));
  await waitFor('shop:us reloaded', () => notices.includes('shop:us: reloaded'), 5000);
  expect(notices.filter((n) => n.startsWith('shop:eu'))).toEqual([]);
  await send('web-us', 'us-3');
  await waitFor('us-3 delivered', () => engine.records.get('shop:us', 'us-3')?.status === 'delivered');
  expect(bodyOf('/us', 'us-3')).toMatchObject({ region: 'us-west-2' });
  const after = versionsNow();
  expect(after['shop:eu']).toBe(before['shop:eu']);
  expect(after['shop:us']).not.toBe(before['shop:us']);
  expect(engine.records.get('shop:us', 'us-3')?.version).toBe(after['shop:us']);
  expect(engine.records.get('shop:us', 'us-1')?.version).toBe(before['shop:us']);
});

test('an instance added to function.json starts, one removed stops; the others keep running untouched', async () => {
  notices.length = 0;
  const config = shopConfig('us-west-2') as { instances: Record<string, unknown> };
  const { us: _removed, ...kept } = config.instances;
  const next = { ...config, instances: { ...kept, asia: { sources: ['web-us'], settings: { url: `${sink.url}/asia`, region: 'ap-south-1' } } } };
  writeFileSync(join(project.functionsDir, 'shop', 'settings.local.json'), JSON.stringify({ eu: { apiKey: EU_SECRET }, asia: { apiKey: 'sk-asia-5e6f7a8b9c' } }));
  writeFileSync(join(project.functionsDir, 'shop', 'function.json'), JSON.stringify(next));
  await waitFor('asia added, us removed', () => notices.includes('shop:asia: added') && notices.includes('shop:us: removed'), 5000);
  expect(notices.filter((n) => n.startsWith('shop:eu'))).toEqual([]);
  expect(engine.functions()).toEqual(['shop:asia', 'shop:eu']);
  await send('web-us', 'asia-1');
  await waitFor('asia-1 delivered', () => engine.records.get('shop:asia', 'asia-1')?.status === 'delivered');
  expect(bodyOf('/asia', 'asia-1')).toEqual({ messageId: 'asia-1', region: 'ap-south-1', apiKey: 'sk-asia-5e6f7a8b9c' });
  expect(engine.records.get('shop:us', 'asia-1')).toBeNull();
  // shop:us keeps its records: status names it removed, and why (its instance, not its folder).
  const status = await runCli(statusCli.main, ['shop:us', '--data', project.dataDir]);
  expect(status.stdout).toMatch(/^shop:us: REMOVED: the engine does not run it \(its instance in function\.json, or its folder, is gone\); its records and DLQ are kept\n/);
});

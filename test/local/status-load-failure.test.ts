/**
 * `destfn status` from another process names a function folder whose last save did not load (hot reload): a running
 * function keeps its previous version, a new folder runs nothing, and the status says which and why.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as statusCli from '../../runtime/cli/status';
import type { Engine } from '../../runtime/local/engine';
import { runCli } from './helpers/cli';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';

let project: TempProject;
let engine: Engine;
const notices: string[] = [];
const noticed = (text: string) => waitFor(`notice "${text}"`, () => notices.some((n) => n.includes(text)), 5000);
const status = (...args: string[]) => runCli(statusCli.main, [...args, '--data', project.dataDir]);

beforeAll(async () => {
  project = tempProject();
  writeFunction(project.functionsDir, 'steady', { code: 'async function onTrack(event) { return event.messageId; }' });
  engine = await testEngine(project);
  engine.events.on('notice', (text: string) => notices.push(text));
});
afterAll(async () => {
  await engine?.stop();
  project.cleanup();
});

test('a broken save and a new folder that never loaded: status says which runs what, and why', async () => {
  writeFileSync(join(project.functionsDir, 'steady', 'index.js'), 'async function onTrack(event {');
  await noticed('steady: reload failed, keeping the previous version');
  writeFunction(project.functionsDir, 'fresh', { code: 'async function onTrack(event) { return fetch(event.url, {' });
  await noticed('fresh: reload failed, not started');

  const steady = await status('steady');
  expect(steady.code).toBe(0);
  expect(steady.stdout).toMatch(/^steady: delivering\n {2}the last save did not load \(\d{4}-\d\d-\d\d [\d:]+ UTC\), the previous version keeps running: .*index\.js:1:\d+: /);

  // What the status says of the new folder: its events are not queued, while the other function takes them.
  expect((await postJson(`${engine.url}/v1/track`, track('while-broken'), engine.writeKey)).status).toBe(200);
  await waitFor('steady delivers it', () => engine.records.get('steady', 'while-broken')?.status === 'delivered');
  expect(engine.records.get('fresh', 'while-broken')).toBeNull();
  const fresh = await status('fresh');
  expect(fresh.code).toBe(0);
  expect(fresh.stdout).toMatch(/^fresh: NOT RUNNING: it did not load \(.* UTC\): .*index\.js:\d+:\d+: .*\n {2}events sent meanwhile are not queued for it; save a fixed version and the engine loads it\n {2}queue 0 \(in flight included\), DLQ 0\n$/);

  const all = await status();
  expect(all.stdout).toMatch(/^fresh: NOT RUNNING[^]*\nsteady: delivering\n {2}the last save did not load/);
  const json = JSON.parse((await status('--json')).stdout) as { functions: { fn: string; loadFailure: unknown }[] };
  expect(json.functions.map((f) => [f.fn, f.loadFailure])).toEqual([
    ['fresh', { message: expect.stringMatching(/index\.js:\d+:\d+: /), at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), previousVersionRunning: false }],
    ['steady', { message: expect.stringMatching(/index\.js:1:\d+: /), at: expect.stringMatching(/Z$/), previousVersionRunning: true }],
  ]);
  // Neither is a removed function: one never loaded, the other keeps running.
  expect((json.functions as unknown as { fn: string; removed: boolean }[]).map((f) => [f.fn, f.removed])).toEqual([['fresh', false], ['steady', false]]);

  // Fixed: the failures are gone from the status.
  writeFileSync(join(project.functionsDir, 'steady', 'index.js'), 'async function onTrack(event) { return "v2"; }');
  writeFileSync(join(project.functionsDir, 'fresh', 'index.js'), 'async function onTrack(event) { return "v1"; }');
  await noticed('steady: reloaded');
  await noticed('fresh: added');
  const fixed = await status();
  expect(fixed.stdout).not.toMatch(/did not load/);
  expect(fixed.stdout).toMatch(/^fresh: delivering\n[^]*\nsteady: delivering\n/);
});

test('a failure an earlier engine recorded is gone once an engine has loaded every folder', async () => {
  notices.length = 0;
  writeFileSync(join(project.functionsDir, 'steady', 'index.js'), 'async function onTrack(event {');
  await noticed('steady: reload failed, keeping the previous version');
  await engine.stop();
  const stopped = await status('steady');
  expect(stopped.stdout).toMatch(/^engine not running: last published state .*\nsteady: delivering\n {2}the last save did not load/);

  writeFileSync(join(project.functionsDir, 'steady', 'index.js'), 'async function onTrack(event) { return "v3"; }');
  engine = await testEngine(project);
  expect((await status('steady')).stdout).not.toMatch(/did not load/);
});

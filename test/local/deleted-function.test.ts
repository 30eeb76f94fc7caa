/**
 * Function names the data dir does not know are an error listing the ones it knows (`destfn deliveries|logs|
 * replay nope`); the queued events of a deleted function go to its DLQ with a reason and a `failed` record,
 * at engine start and when hot reload removes it, instead of waiting "retrying" forever. `destfn status` says it is
 * removed, and `destfn replay` does not hand its DLQ to an engine that would dead-letter it again.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as deliveriesCli from '../../runtime/cli/deliveries';
import * as logsCli from '../../runtime/cli/logs';
import * as replayCli from '../../runtime/cli/replay';
import * as statusCli from '../../runtime/cli/status';
import type { Engine } from '../../runtime/local/engine';
import { runCli } from './helpers/cli';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';

let project: TempProject;
let engine: Engine | null = null;

// Retries an hour apart: the events wait in the queue, "retrying".
const FAILING = { code: "async function onTrack() { console.log('trying'); throw new RetryError('down'); }", config: { retry: { attempts: 5, windowHours: 4 } } };

beforeEach(() => {
  project = tempProject();
  writeFunction(project.functionsDir, 'stay', { code: 'async function onTrack() {}' });
  writeFunction(project.functionsDir, 'gone', FAILING);
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  project.cleanup();
});

async function retryingIn(fn: string, ids: string[]): Promise<void> {
  const res = await postJson(`${engine!.url}/v1/batch`, { batch: ids.map((id) => track(id)) }, engine!.writeKey);
  expect(res.status).toBe(200);
  await waitFor('retrying', () => ids.every((id) => engine!.records.get(fn, id)?.status === 'retrying'));
}

test('an unknown function is an error listing the functions, for deliveries, logs and replay', async () => {
  engine = await testEngine(project, { watch: false, retryScale: 1 });
  await engine.stop();
  engine = null;
  for (const main of [deliveriesCli.main, logsCli.main, replayCli.main]) {
    const out = await runCli(main, ['nope', '--data', project.dataDir]);
    expect(out).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/no function "nope" in .*; the functions are: gone, stay\n$/) as string });
  }
  expect((await runCli(deliveriesCli.main, ['stay', '--data', project.dataDir])).code).toBe(0);
});

test("at start, a deleted function's queued events go to its DLQ with a failed record, listed by destfn deliveries", async () => {
  engine = await testEngine(project, { watch: false, retryScale: 1 });
  await retryingIn('gone', ['g-1', 'g-2']);
  await engine.stop();
  rmSync(join(project.functionsDir, 'gone'), { recursive: true });

  engine = await testEngine(project, { watch: false, retryScale: 1 });
  expect(engine.queue.depths().gone).toEqual({ queued: 0, dlq: 2 });
  for (const id of ['g-1', 'g-2']) {
    expect(engine.records.get('gone', id)).toMatchObject({ status: 'failed', attempts: 1, lastError: { name: 'FunctionDeleted' } });
  }
  const listed = await runCli(deliveriesCli.main, ['gone', '--data', project.dataDir, '--json']);
  expect(listed.code).toBe(0);
  expect((JSON.parse(listed.stdout) as { messageId: string; status: string }[]).map((r) => [r.messageId, r.status]).sort()).toEqual([['g-1', 'failed'], ['g-2', 'failed']]);
});

test("hot reload: removing a function moves its queued events to its DLQ", async () => {
  engine = await testEngine(project, { retryScale: 1 });
  await retryingIn('gone', ['h-1']);
  rmSync(join(project.functionsDir, 'gone'), { recursive: true });
  await waitFor('dead-lettered', () => engine!.queue.depths().gone?.dlq === 1, 10_000);
  expect(engine.records.get('gone', 'h-1')).toMatchObject({ status: 'failed', lastError: { name: 'FunctionDeleted' } });
});

test('a removed function: status says so, and replay refuses while the engine runs, then says what happens at start', async () => {
  engine = await testEngine(project, { retryScale: 1 });
  await retryingIn('gone', ['r-1']);
  rmSync(join(project.functionsDir, 'gone'), { recursive: true });
  await waitFor('dead-lettered', () => engine!.queue.depths().gone?.dlq === 1, 10_000);
  const data = ['--data', project.dataDir];

  const status = await runCli(statusCli.main, ['gone', ...data]);
  expect(status.stdout).toBe('gone: REMOVED: the engine does not run it (its folder is gone); its records and DLQ are kept\n'
    + '  queue 0 (in flight included), DLQ 1: `destfn replay gone` once it is back\n');
  const json = JSON.parse((await runCli(statusCli.main, ['--json', ...data])).stdout) as { functions: { fn: string; removed: boolean }[] };
  expect(json.functions.map((f) => [f.fn, f.removed])).toEqual([['gone', true], ['stay', false]]);

  const refused = await runCli(replayCli.main, ['gone', ...data]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/the running engine \(pid \d+\) does not run "gone" \(it was removed, or did not load\): its DLQ keeps its events/);
  expect(engine.queue.depths().gone).toEqual({ queued: 0, dlq: 1 });

  await engine.stop();
  engine = null;
  const moved = await runCli(replayCli.main, ['gone', ...data]);
  expect(moved).toMatchObject({ code: 0, stdout: expect.stringContaining('moved 1 event(s) from the DLQ of "gone" back to its queue. The engine did not run "gone" the last time') as string });
  expect((await runCli(statusCli.main, ['gone', ...data])).stdout).toMatch(/^engine not running: .*\ngone: REMOVED: the engine did not run it the last time/);
});

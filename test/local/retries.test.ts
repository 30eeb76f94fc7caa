/** Retries with the shared policy, the DLQ, `destfn replay`, and what `deliveries` / `logs` print. */
import { writeFileSync } from 'node:fs';
import type { Engine } from '../../runtime/local/engine';
import * as deliveriesCli from '../../runtime/cli/deliveries';
import * as logsCli from '../../runtime/cli/logs';
import { followLogs } from '../../runtime/cli/local/backend';
import * as replayCli from '../../runtime/cli/replay';
import type { DeliveryRecord } from '../../runtime/delivery/record';
import { copyWebhook, tempProject, writeFunction, URL_SETTING, type TempProject } from './helpers/functions';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { startSink, type Sink } from './helpers/sink';
import { runCli } from './helpers/cli';

let project: TempProject;
let sink: Sink;
let engine: Engine;
/** Per "<path> <messageId>": how many more requests the sink fails with 503 (Infinity = always). */
const failures = new Map<string, number>();

beforeAll(async () => {
  project = tempProject();
  sink = await startSink();
  sink.respond((req) => {
    const id = `${req.path} ${(req.json as { messageId?: string } | null)?.messageId ?? ''}`;
    const left = failures.get(id) ?? 0;
    if (left > 0) { failures.set(id, left - 1); return 503; }
    return 200;
  });
  copyWebhook(project.functionsDir, 'webhook', `${sink.url}/hook`);
  copyWebhook(project.functionsDir, 'short', `${sink.url}/short`, { retry: { attempts: 3, windowHours: 1 } });
  // One retry, ~8.6 s away at this engine's retry scale: long enough to be seen waiting.
  copyWebhook(project.functionsDir, 'patient', `${sink.url}/patient`, { retry: { attempts: 2, windowHours: 24 } });
  writeFunction(project.functionsDir, 'chatty', {
    code: `async function onTrack(event, settings) {
      console.log('sending', event.messageId, 'with key', settings.apiKey);
      return { sent: event.messageId };
    }`,
    config: { settings: { ...URL_SETTING, apiKey: { type: 'string', secret: true } }, filter: 'properties.chat = true' },
  });
  writeFileSync(`${project.functionsDir}/chatty/settings.local.json`, JSON.stringify({ url: 'unused', apiKey: 'sk_live_very_secret' }));
  engine = await testEngine(project, { retryScale: 0.0001 });
});
afterAll(async () => {
  await engine.stop();
  await sink.close();
  project.cleanup();
});

const record = (fn: string, id: string): DeliveryRecord | null => engine.records.get(fn, id);

test('a sink failing 3 times then OK: delivered on attempt 4, the record shows 4 attempts and the last error', async () => {
  failures.set('/hook r-flaky', 3);
  expect((await postJson(`${engine.url}/v1/track`, track('r-flaky'), engine.writeKey)).status).toBe(200);
  await waitFor('delivered', () => record('webhook', 'r-flaky')?.status === 'delivered');
  expect(record('webhook', 'r-flaky')).toMatchObject({
    status: 'delivered',
    attempts: 4,
    lastError: { name: 'RetryError', message: expect.stringContaining('503') },
    result: '{"ok":true}',
  });
  expect(sink.requests.filter((r) => r.path === '/hook' && (r.json as { messageId: string }).messageId === 'r-flaky')).toHaveLength(4);
});

test('a sink that always fails: DLQ after the last attempt, then `destfn replay` with the sink healthy delivers it', async () => {
  failures.set('/short r-dead', Infinity);
  expect((await postJson(`${engine.url}/v1/track`, track('r-dead'), engine.writeKey)).status).toBe(200);
  await waitFor('in the DLQ', () => record('short', 'r-dead')?.status === 'failed');
  expect(engine.queue.dlq('short')).toEqual([expect.objectContaining({ messageId: 'r-dead', attempts: 3, lastError: expect.stringContaining('RetryError') })]);
  expect(record('short', 'r-dead')).toMatchObject({ status: 'failed', attempts: 3, lastError: { name: 'RetryError' } });
  expect(sink.requests.filter((r) => r.path === '/short' && (r.json as { messageId: string }).messageId === 'r-dead')).toHaveLength(3);

  const failed = await runCli(deliveriesCli.main, ['short', '--status', 'failed', '--data', project.dataDir]);
  expect(failed.code).toBe(0);
  expect(failed.stdout).toMatch(/r-dead\s+track "Order Completed"\s+failed\s+3\s+\d+ms\s+[0-9a-f]{12}\s+RetryError: webhook responded 503/);

  failures.set('/short r-dead', 0);
  const replay = await runCli(replayCli.main, ['short', '--data', project.dataDir]);
  expect(replay).toMatchObject({ code: 0, stdout: expect.stringContaining('moved 1 event(s) from the DLQ of "short"') });
  expect(replay.stdout).toContain(`running engine (pid ${process.pid})`);
  await waitFor('delivered after replay', () => record('short', 'r-dead')?.status === 'delivered', 5000);
  expect(engine.queue.dlq('short')).toEqual([]);
  expect(record('short', 'r-dead')).toMatchObject({ status: 'delivered', attempts: 1 });

  const again = await runCli(replayCli.main, ['short', '--data', project.dataDir]);
  expect(again.stdout).toContain('moved 0 event(s)');
});

test('a retrying record says when its next attempt is due: the time the queue holds it until, and a column of `deliveries`', async () => {
  failures.set('/patient r-wait', 1);
  const sentAt = Date.now();
  expect((await postJson(`${engine.url}/v1/track`, track('r-wait'), engine.writeKey)).status).toBe(200);
  await waitFor('retrying', () => record('patient', 'r-wait')?.status === 'retrying');
  const waiting = record('patient', 'r-wait')!;
  const nextAt = Date.parse(waiting.nextAttemptAt!);
  // 24 h × the scale 0.0001 = 8.64 s, ± the policy's jitter.
  expect(nextAt - Date.parse(waiting.updatedAt)).toBeGreaterThan(4_000);
  expect(nextAt - sentAt).toBeLessThan(13_000);
  const detail = await (await fetch(`${engine.url}/api/deliveries/patient/r-wait`, { headers: { 'x-destfn-token': engine.token } })).json() as { nextAttemptAt: string };
  expect(detail.nextAttemptAt).toBe(waiting.nextAttemptAt);

  const table = await runCli(deliveriesCli.main, ['patient', '--status', 'retrying', '--data', project.dataDir]);
  expect(table.stdout.split('\n')[0]).toMatch(/attempts\s+next attempt \(UTC\)\s+duration/);
  expect(table.stdout).toContain(`r-wait`);
  expect(table.stdout).toContain(waiting.nextAttemptAt!.replace('T', ' ').slice(0, 19));
  const delivered = await runCli(deliveriesCli.main, ['webhook', '--status', 'delivered', '--data', project.dataDir]);
  expect(delivered.stdout).not.toContain('next attempt');
});

test('`deliveries --json` prints the records; `logs` prints captured lines with messageIds, secrets redacted', async () => {
  expect((await postJson(`${engine.url}/v1/track`, track('r-chat', { properties: { chat: true } }), engine.writeKey)).status).toBe(200);
  await waitFor('delivered', () => record('chatty', 'r-chat')?.status === 'delivered');

  const json = await runCli(deliveriesCli.main, ['chatty', '--json', '--status', 'delivered', '--data', project.dataDir]);
  expect(json.code).toBe(0);
  const records = JSON.parse(json.stdout) as DeliveryRecord[];
  expect(records).toEqual([expect.objectContaining({ function: 'chatty', messageId: 'r-chat', status: 'delivered', attempts: 1, result: '{"sent":"r-chat"}' })]);
  // The other events did not match the filter: recorded as filtered, never invoked.
  expect(record('chatty', 'r-flaky')).toMatchObject({ status: 'filtered', attempts: 0 });

  const logs = await runCli(logsCli.main, ['chatty', '--data', project.dataDir]);
  expect(logs.code).toBe(0);
  expect(logs.stdout).toMatch(/r-chat {2}.*sending r-chat with key \[REDACTED\]/);
  expect(logs.stdout).not.toContain('sk_live_very_secret');

  // --follow: new entries appear as they are written.
  const followed: string[] = [];
  const stop = new AbortController();
  const following = followLogs(engine.records, 'chatty', engine.records.lastLogs('chatty', 1)[0].id, (t) => followed.push(t), stop.signal);
  expect((await postJson(`${engine.url}/v1/track`, track('r-chat-2', { properties: { chat: true } }), engine.writeKey)).status).toBe(200);
  await waitFor('followed', () => followed.join('').includes('sending r-chat-2'), 5000);
  stop.abort();
  await following;
  expect(followed.join('')).not.toContain('sending r-chat with');

  const usage = await runCli(deliveriesCli.main, ['chatty', '--status', 'nope']);
  expect(usage.code).toBe(1);
  const missing = await runCli(deliveriesCli.main, ['chatty', '--data', `${project.root}/no-such-dir`]);
  expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('no local engine data') });
});

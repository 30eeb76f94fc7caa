/**
 * Delivery control in the engine: `destfn pause|resume|status` with the engine running, the circuit breaker
 * pausing a failing destination (events keep their attempts, one probe now and then, resumes by itself), and a
 * rateLimit that is never exceeded.
 */
import type { Engine } from '../../runtime/local/engine';
import * as pauseCli from '../../runtime/cli/pause';
import * as resumeCli from '../../runtime/cli/resume';
import * as statusCli from '../../runtime/cli/status';
import { copyWebhook, tempProject, type TempProject } from './helpers/functions';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { startSink, type Sink } from './helpers/sink';
import { runCli } from './helpers/cli';

let project: TempProject;
let sink: Sink;
let engine: Engine;
let breakerDown = false;

beforeAll(async () => {
  project = tempProject();
  sink = await startSink();
  sink.respond((req) => (req.path === '/b' && breakerDown ? 503 : 200));
  copyWebhook(project.functionsDir, 'held', `${sink.url}/h`);
  copyWebhook(project.functionsDir, 'flaky', `${sink.url}/b`);
  copyWebhook(project.functionsDir, 'limited', `${sink.url}/r`, { rateLimit: { perSecond: 20, burst: 1 } });
  engine = await testEngine(project, { deliveryControl: { breaker: { consecutive: 3, probeMs: 100, maxProbeMs: 200 }, rate: { minPerSecond: 10_000 } } });
  // minPerSecond: the rate learnt from failures would space the retries out too; this tests the breaker alone.
});
afterAll(async () => {
  await engine.stop();
  await sink.close();
  project.cleanup();
});

const batch = (prefix: string, n: number) => ({ batch: Array.from({ length: n }, (_, i) => ({ ...track(`${prefix}-${i}`), type: 'track' })) });
/** Every function gets every event: what reached `path` of the events named `prefix-…`. */
const arrived = (path: string, prefix = '') => sink.requests.filter((r) => r.path === path && String((r.json as { messageId?: string }).messageId).startsWith(prefix));

test('destfn pause holds a running function\'s events in its queue; status says so; resume delivers them on their first attempt', async () => {
  const paused = await runCli(pauseCli.main, ['held', '--reason', 'vendor maintenance', '--data', project.dataDir]);
  expect(paused).toMatchObject({ code: 0, stdout: expect.stringContaining('"held" paused') });
  await waitFor('the engine sees the pause', () => engine.deliveryStatus('held')?.paused === true);
  expect(engine.deliveryStatus('held')).toMatchObject({ pausedBy: 'operator', reason: 'vendor maintenance' });

  expect((await postJson(`${engine.url}/v1/batch`, batch('p', 3), engine.writeKey)).status).toBe(200);
  await waitFor('delivered elsewhere meanwhile', async () => {
    const other = await postJson(`${engine.url}/v1/track`, track('p-probe-other'), engine.writeKey);
    return other.status === 200;
  });
  await new Promise((r) => setTimeout(r, 600));
  expect(arrived('/h')).toHaveLength(0);
  expect(engine.queue.depths().held?.queued).toBe(4);

  const status = await runCli(statusCli.main, ['held', '--data', project.dataDir]);
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/^held: PAUSED by an operator since .* \(vendor maintenance\); `destfn resume held` resumes it\n {2}queue 4 \(in flight included\), DLQ 0\n/);
  const json = JSON.parse((await runCli(statusCli.main, ['held', '--json', '--data', project.dataDir])).stdout);
  expect(json.functions[0].operatorPause).toEqual({ reason: 'vendor maintenance', pausedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
  expect(await runCli(pauseCli.main, ['held', '--data', project.dataDir])).toMatchObject({ code: 0, stdout: expect.stringContaining('already paused') });

  expect(await runCli(resumeCli.main, ['held', '--data', project.dataDir])).toMatchObject({ code: 0, stdout: expect.stringContaining('"held" resumed') });
  await waitFor('delivered after resume', () => ['p-0', 'p-1', 'p-2'].every((id) => engine.records.get('held', id)?.status === 'delivered'));
  expect(arrived('/h')).toHaveLength(4);
  for (const id of ['p-0', 'p-1', 'p-2']) expect(engine.records.get('held', id)).toMatchObject({ status: 'delivered', attempts: 1 });
  expect(engine.deliveryStatus('held')).toMatchObject({ paused: false, pausedBy: null });
});

test('a failing destination trips the breaker: its events wait (one probe at a time) and are delivered when it answers again, none in the DLQ', async () => {
  breakerDown = true;
  const posted = Date.now();
  expect((await postJson(`${engine.url}/v1/batch`, batch('b', 12), engine.writeKey)).status).toBe(200);
  await waitFor('paused by the breaker', () => engine.deliveryStatus('flaky')?.pausedBy === 'breaker');
  expect(engine.deliveryStatus('flaky')?.reason).toMatch(/^3 retryable failures in a row \(last: RetryError\)$/);
  await new Promise((r) => setTimeout(r, 700));
  // Bounded by what the breaker allows, however slow the machine: each event's first attempt (12), the retries of
  // the 2 failures before the 3rd opened it, then one probe at a time, the next no sooner than probeMs (100 ms)
  // after the last. A slow machine only stretches the time (and loosens the bound); it never allows probes sooner.
  // Without the breaker's gate (or with probes let through at once): 92–96 requests in these ~800 ms.
  const probes = 1 + Math.floor((Date.now() - posted) / 100);
  expect(arrived('/b', 'b-').length).toBeLessThanOrEqual(12 + 2 + probes);
  const status = await runCli(statusCli.main, ['flaky', '--data', project.dataDir]);
  expect(status.stdout).toMatch(/^flaky: PAUSED by the circuit breaker since .*: 3 retryable failures in a row/);

  breakerDown = false;
  await waitFor('all delivered', () => Array.from({ length: 12 }, (_, i) => engine.records.get('flaky', `b-${i}`)?.status).every((s) => s === 'delivered'));
  expect(engine.queue.dlq('flaky')).toEqual([]);
  const attempts = Array.from({ length: 12 }, (_, i) => engine.records.get('flaky', `b-${i}`)?.attempts ?? 0);
  expect(Math.max(...attempts)).toBeLessThanOrEqual(3);
  expect(engine.deliveryStatus('flaky')).toMatchObject({ paused: false });
});

test('rateLimit is never exceeded: 21 events at 20/s with burst 1 take at least a second', async () => {
  const start = Date.now();
  expect((await postJson(`${engine.url}/v1/batch`, batch('r', 21), engine.writeKey)).status).toBe(200);
  await waitFor('all delivered', () => arrived('/r', 'r-').length === 21);
  expect(Date.now() - start).toBeGreaterThanOrEqual(1000);
  expect(engine.deliveryStatus('limited')?.rateLimit).toEqual({ perSecond: 20, burst: 1 });
});

test('status of every function; an unknown name is an error listing the known ones', async () => {
  await waitFor('published', async () => (await runCli(statusCli.main, ['--data', project.dataDir])).stdout.includes('limited: delivering'), 5000, 200);
  const all = await runCli(statusCli.main, ['--data', project.dataDir]);
  expect(all.stdout).toMatch(/limited: delivering\n {2}queue \d+ \(in flight included\), DLQ 0\n {2}concurrency limit \d+ of 200, latency [\d.]+ ms, rate limit 20\/s \(burst 1\)\n {2}last minute: \d+ delivered, 0 discarded, 0 retried/);
  const json = await runCli(statusCli.main, ['limited', '--json', '--data', project.dataDir]);
  expect(json.code).toBe(0);
  const parsed = JSON.parse(json.stdout);
  expect(parsed).toEqual({
    engineRunning: true,
    functions: [{
      fn: 'limited', removed: false, updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), operatorPause: null, depth: { queued: expect.any(Number), dlq: 0 }, loadFailure: null,
      status: expect.objectContaining({ maxConcurrency: 200, rateLimit: { perSecond: 20, burst: 1 }, paused: false, pausedSince: null, nextProbeAt: null, measuredRatePerSecond: null }),
    }],
  });
  const unknown = await runCli(pauseCli.main, ['nope', '--data', project.dataDir]);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/destfn pause: no function "nope" .*the functions are: .*flaky, held, limited/);
});

/**
 * The local engine honours Retry-After: the webhook example (unchanged Segment code: it throws RetryError on
 * a 429) waits the destination's Retry-After before the next attempt even at a tiny DESTFN_RETRY_SCALE, and
 * `throw new RetryError('…', { retryAfterSeconds })` sets the delay.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../../runtime/local/engine';
import type { SettledAttempt } from '../../runtime/local/settle';
import { copyWebhook, tempProject, writeFunction, type TempProject } from './helpers/functions';
import { postJson, testEngine, track, waitFor } from './helpers/engine';

let project: TempProject;
let engine: Engine;
let server: http.Server;
const arrivals = new Map<string, number[]>();
const settled: SettledAttempt[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const id = (JSON.parse(body) as { messageId: string }).messageId;
      const times = arrivals.get(id) ?? [];
      times.push(Date.now());
      arrivals.set(id, times);
      if (times.length > 1) return res.writeHead(200).end('{}');
      const retryAfter = id.startsWith('date') ? new Date(Date.now() + 3000).toUTCString() : '2';
      res.writeHead(429, { 'retry-after': retryAfter }).end('{"error":"slow down"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project = tempProject();
  copyWebhook(project.functionsDir, 'hook', `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  writeFunction(project.functionsDir, 'later', {
    code: `async function onTrack(event) {
      if (!globalThis.seen) globalThis.seen = {};
      if (globalThis.seen[event.messageId]) return 'ok';
      globalThis.seen[event.messageId] = true;
      throw new RetryError('come back in a second', { retryAfterSeconds: 1 });
    }`,
  });
  engine = await testEngine(project, { retryScale: 0.0001, maxWorkersPerFunction: 1 }); // one worker: 'later' remembers what it saw
  engine.events.on('settled', (_fn: string, s: SettledAttempt[]) => settled.push(...s));
});
afterAll(async () => {
  await engine.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  project.cleanup();
});

const gap = (id: string) => { const [a, b] = arrivals.get(id)!; return b - a; };

test("a 429's Retry-After (seconds or HTTP date) delays the next attempt", async () => {
  const res = await postJson(`${engine.url}/v1/batch`, { batch: [track('secs-1'), track('date-1')] }, engine.writeKey);
  expect(res.status).toBe(200);
  await waitFor('both delivered on the second attempt', () => (arrivals.get('secs-1')?.length ?? 0) === 2 && (arrivals.get('date-1')?.length ?? 0) === 2, 15_000);
  expect(gap('secs-1')).toBeGreaterThanOrEqual(1950);
  expect(gap('date-1')).toBeGreaterThanOrEqual(1000); // an HTTP date has whole seconds
  expect(settled.find((s) => s.message.fn === 'hook' && s.message.messageId === 'secs-1' && s.status === 'retrying')?.retryInMs).toBe(2000);
}, 20_000);

test('RetryError with retryAfterSeconds sets the delay', async () => {
  expect((await postJson(`${engine.url}/v1/track`, track('opt-1'), engine.writeKey)).status).toBe(200);
  await waitFor('delivered', () => settled.some((s) => s.message.fn === 'later' && s.message.messageId === 'opt-1' && s.status === 'delivered'), 10_000);
  const [first, second] = settled.filter((s) => s.message.fn === 'later' && s.message.messageId === 'opt-1');
  expect(first).toMatchObject({ status: 'retrying', retryInMs: 1000 });
  expect(second.status).toBe('delivered');
});

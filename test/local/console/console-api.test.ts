/** The console's read API and DLQ actions against the real engine: functions, metrics, deliveries, detail, DLQ, samples. */
import * as pauseCli from '../../../runtime/cli/pause';
import * as resumeCli from '../../../runtime/cli/resume';
import { runCli } from '../helpers/cli';
import { postJson, waitFor } from '../helpers/engine';
import { api, consoleEngine, SECRET } from './console-fixture';

const fx = consoleEngine();

const send = (messageId: string, extra: Record<string, unknown> = {}) =>
  postJson(`${fx.engine.url}/v1/track`, { userId: 'u-1', event: 'Order Completed', messageId, properties: { total: 5 }, context: { ip: '198.51.100.4' }, ...extra }, fx.engine.writeKey);

const record = (fn: string, id: string) => fx.engine.records.get(fn, id);

beforeAll(async () => {
  // hooks: c-ok delivered; c-boom fails twice (2 attempts) → DLQ. typed: c-ok delivered, c-boom (total 500) → DLQ.
  await send('c-ok');
  await send('c-boom', { properties: { total: 500, boom: true } });
  await postJson(`${fx.engine.url}/v1/identify`, { userId: 'u-2', messageId: 'c-id', traits: {} }, fx.engine.writeKey);
  await waitFor('all settled', () => record('hooks', 'c-ok')?.status === 'delivered' && record('hooks', 'c-boom')?.status === 'failed'
    && record('hooks', 'c-id')?.status === 'delivered' && record('typed', 'c-boom')?.status === 'failed');
});

test('GET /api/functions: status, settings with the secret masked, last hour, percentiles, chart, depths', async () => {
  const { status, json, text } = await api(fx.engine, '/api/functions');
  expect(status).toBe(200);
  expect(text).not.toContain(SECRET);
  const hooks = json.functions.find((f: { name: string }) => f.name === 'hooks');
  expect(hooks).toMatchObject({ name: 'hooks', status: 'loaded', running: true, file: 'functions/hooks/index.js', sources: null, filter: null });
  expect(hooks.settings).toEqual(expect.arrayContaining([
    { name: 'apiKey', type: 'string', required: true, secret: true, set: true },
    { name: 'url', type: 'string', required: true, secret: false, set: true, value: `${fx.sink.url}/hook` },
  ]));
  // c-ok and c-id delivered (1 attempt each), c-boom: 1 retried attempt then 1 failed attempt.
  expect(hooks.lastHour).toEqual({ delivered: 2, discarded: 0, retried: 1, failed: 1, filtered: 0, successRate: 0.5 });
  expect(hooks.durationMs.p50).toEqual(expect.any(Number));
  expect(hooks.durationMs.p95).toBeGreaterThanOrEqual(hooks.durationMs.p50);
  expect(hooks.chart).toHaveLength(60);
  const sum = hooks.chart.reduce((n: number, m: { delivered: number; failed: number; retried: number }) => n + m.delivered + m.failed + m.retried, 0);
  expect(sum).toBe(4);
  expect(hooks.chart[59].at).toBe(new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString());
  expect(hooks.depth).toEqual({ queued: 0, inFlight: 0, dlq: 1 });
  // The delivery control as `destfn status` reads it: the default ceiling, the latency of the successes so far.
  const control = fx.engine.deliveryStatus('hooks')!;
  expect(hooks.delivery).toEqual({
    limit: control.limit, maxConcurrency: 200, latencyMs: expect.any(Number), learntRatePerSecond: null, measuredRatePerSecond: null,
    rateLimit: null, pausedBy: null, nextProbeAt: null,
  });
  const typed = json.functions.find((f: { name: string }) => f.name === 'typed');
  expect(typed).toMatchObject({ status: 'loaded', file: 'functions/typed/index.ts', lastHour: { delivered: 1, failed: 1, filtered: 0 } });
  expect(json.orphans).toEqual([]);
});

test('GET /api/deliveries: newest first, filters by function, status, type and messageId, paged by cursor', async () => {
  const all = (await api(fx.engine, '/api/deliveries')).json.deliveries as Array<{ function: string; messageId: string; updatedAt: string }>;
  expect(all.map((d) => `${d.function}/${d.messageId}`).sort()).toEqual(['hooks/c-boom', 'hooks/c-id', 'hooks/c-ok', 'typed/c-boom', 'typed/c-id', 'typed/c-ok']);
  const times = all.map((d) => d.updatedAt);
  expect([...times].sort().reverse()).toEqual(times);
  const failed = (await api(fx.engine, '/api/deliveries?status=failed')).json.deliveries;
  expect(failed.map((d: { function: string }) => d.function).sort()).toEqual(['hooks', 'typed']);
  const identify = (await api(fx.engine, '/api/deliveries?type=identify')).json.deliveries;
  expect(identify.map((d: { function: string; status: string }) => `${d.function} ${d.status}`).sort()).toEqual(['hooks delivered', 'typed discarded']);
  expect((await api(fx.engine, '/api/deliveries?function=typed&messageId=c-ok')).json.deliveries).toEqual([
    expect.objectContaining({ function: 'typed', messageId: 'c-ok', status: 'delivered', eventType: 'track', eventName: 'Order Completed', attempts: 1 }),
  ]);
  const seen: string[] = [];
  let next: string | undefined;
  do {
    const page = (await api(fx.engine, `/api/deliveries?limit=2${next ? `&before=${next}` : ''}`)).json;
    expect(page.deliveries.length).toBeLessThanOrEqual(2);
    seen.push(...page.deliveries.map((d: { function: string; messageId: string }) => `${d.function}/${d.messageId}`));
    next = page.next;
  } while (next);
  expect(seen).toEqual(all.map((d) => `${d.function}/${d.messageId}`));
  expect((await api(fx.engine, '/api/deliveries?status=nope')).status).toBe(400);
  expect((await api(fx.engine, '/api/deliveries?before=garbage')).status).toBe(400);
});

test('GET /api/deliveries/:fn/:id: the event as received (drop applied), every attempt with outcome, duration and logs', async () => {
  const { status, json, text } = await api(fx.engine, '/api/deliveries/hooks/c-boom');
  expect(status).toBe(200);
  expect(text).not.toContain(SECRET);
  expect(json.record).toMatchObject({ function: 'hooks', messageId: 'c-boom', status: 'failed', attempts: 2 });
  expect(json.event).toMatchObject({ type: 'track', messageId: 'c-boom', properties: { total: 500, boom: true } });
  expect(json.event.context.ip).toBeUndefined();
  expect(json.where).toBe('dlq');
  expect(json.nextAttemptAt).toBeNull();
  expect(json.attempts).toEqual([
    expect.objectContaining({ attempt: 1, status: 'retrying', reason: 'error', error: { name: 'TypeError', message: 'boom at line 6 with [REDACTED]' }, logs: ['sending with key [REDACTED]'] }),
    expect.objectContaining({ attempt: 2, status: 'failed', reason: 'error', logs: ['sending with key [REDACTED]'] }),
  ]);
  expect(json.attempts[0].durationMs).toEqual(expect.any(Number));
  const ok = (await api(fx.engine, '/api/deliveries/hooks/c-ok')).json;
  expect(ok).toMatchObject({ where: 'done', nextAttemptAt: null, result: { status: 200, body: { ok: true } }, attempts: [{ attempt: 1, status: 'delivered', reason: null, error: null }] });
  expect((await api(fx.engine, '/api/deliveries/hooks/nope')).status).toBe(404);
});

test('recent real events for the Run editor, redacted', async () => {
  const { json } = await api(fx.engine, '/api/functions/hooks/samples');
  expect(json.recent.map((r: { messageId: string }) => r.messageId).sort()).toEqual(['c-boom', 'c-id', 'c-ok']);
  expect(json.recent[0]).toMatchObject({ type: expect.any(String), receivedAt: expect.any(String), event: expect.objectContaining({ messageId: expect.any(String) }) });
});

test('DLQ: list, replay one (its attempts start again), discard the rest', async () => {
  const dead = (await api(fx.engine, '/api/dlq')).json.dead;
  expect(dead.map((d: { function: string; messageId: string }) => `${d.function}/${d.messageId}`).sort()).toEqual(['hooks/c-boom', 'typed/c-boom']);
  expect(dead.find((d: { function: string }) => d.function === 'hooks')).toMatchObject({ eventType: 'track', attempts: 2, orphan: false, error: { name: 'TypeError' } });

  // hooks throws on properties.boom, so the replayed event is attempted twice more and dead-lettered again.
  const replayed = await api(fx.engine, '/api/dlq/replay', { body: { function: 'hooks', messageId: 'c-boom' } });
  expect(replayed).toMatchObject({ status: 200, json: { replayed: 1 } });
  await waitFor('replayed, tried twice, dead again', async () => (await api(fx.engine, '/api/deliveries/hooks/c-boom')).json.attempts.length === 4
    && fx.engine.queue.depths().hooks?.dlq === 1);
  const attempts = (await api(fx.engine, '/api/deliveries/hooks/c-boom')).json.attempts;
  expect(attempts.map((a: { attempt: number; status: string }) => `${a.attempt} ${a.status}`)).toEqual(['1 retrying', '2 failed', '1 retrying', '2 failed']);

  expect((await api(fx.engine, '/api/dlq/discard', { body: { function: 'typed' } })).json).toEqual({ discarded: 1 });
  expect((await api(fx.engine, '/api/dlq?function=typed')).json.dead).toEqual([]);
  expect((await api(fx.engine, '/api/dlq/replay', { body: { messageId: 'x' } })).status).toBe(400);
});

test('GET /api/rejected, /api/sink, /api/engine, /api/session', async () => {
  await postJson(`${fx.engine.url}/v1/batch`, { batch: [{ type: 'track', userId: 'u', event: 'ok', messageId: 'r-1' }, { type: 'track', userId: 'u', messageId: 'r-bad' }] }, fx.engine.writeKey);
  expect((await api(fx.engine, '/api/rejected')).json.rejected[0]).toMatchObject({ source: 'dev', index: 1, error: expect.stringContaining('"event" is required') });
  await fetch(`${fx.engine.url}/_sink/demo`, { method: 'POST', body: 'hi' });
  expect((await api(fx.engine, '/api/sink')).json.hits[0]).toMatchObject({ name: 'demo', body: 'hi' });
  const engine = (await api(fx.engine, '/api/engine')).json;
  expect(engine).toMatchObject({ engineId: fx.engine.engineId, loopbackOnly: true, sources: [{ name: 'dev' }] });
  expect(JSON.stringify(engine)).not.toContain(fx.engine.writeKey);
  expect((await api(fx.engine, '/api/session')).json).toEqual({ token: fx.engine.token, engineId: fx.engine.engineId });
  expect((await api(fx.engine, '/api/nope')).status).toBe(404);
});

test('a paused function says so (destfn pause), and why; resumed, it does not', async () => {
  expect(await runCli(pauseCli.main, ['typed', '--reason', 'vendor maintenance', '--data', fx.project.dataDir])).toMatchObject({ code: 0 });
  await waitFor('paused', () => fx.engine.deliveryStatus('typed')?.paused === true);
  const typed = () => api(fx.engine, '/api/functions').then((r) => r.json.functions.find((f: { name: string }) => f.name === 'typed'));
  expect(await typed()).toMatchObject({ paused: true, pausedReason: 'vendor maintenance', delivery: { pausedBy: 'operator', nextProbeAt: null } });
  expect((await api(fx.engine, '/api/functions')).json.functions.find((f: { name: string }) => f.name === 'hooks')).toMatchObject({ paused: false });
  expect(await runCli(resumeCli.main, ['typed', '--data', fx.project.dataDir])).toMatchObject({ code: 0 });
  await waitFor('resumed', () => fx.engine.deliveryStatus('typed')?.paused === false);
  expect(await typed()).toMatchObject({ paused: false, delivery: { pausedBy: null } });
});

/** POST /api/functions/:name/run against the real engine: Callback Return, Log Output, outbound requests, stub vs real, stack lines. */
import { storedCounts, waitFor } from '../helpers/engine';
import { writeFunction } from '../helpers/functions';
import { api, consoleEngine, SECRET } from './console-fixture';

const fx = consoleEngine();

const track = (properties: Record<string, unknown> = { total: 42 }) => ({ type: 'track', userId: 'u-1', event: 'Order Completed', properties, context: { ip: '203.0.113.9' } });

test('stub (the default): Callback Return, Log Output and the request the function made, answered by the stub; nothing leaves', async () => {
  const before = fx.sink.requests.length;
  const { status, json } = await api(fx.engine, '/api/functions/hooks/run', {
    body: { event: track(), stub: { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"stubbed-1"}' } },
  });
  expect(status).toBe(200);
  expect(json).toMatchObject({ ok: true, status: 'delivered', reason: null, network: 'stub', result: { status: 201, body: { id: 'stubbed-1' } } });
  expect(json.logs.join('\n')).toMatch(/sending with key \[REDACTED\]/);
  expect(json.requests).toHaveLength(1);
  const [request] = json.requests;
  expect(request).toMatchObject({ method: 'POST', url: `${fx.sink.url}/hook`, status: 201, stubbed: true, responseBody: '{"id":"stubbed-1"}' });
  expect(request.requestHeaders.authorization).toBe('Bearer [REDACTED]');
  expect(JSON.parse(request.requestBody)).toMatchObject({ type: 'track', event: 'Order Completed' });
  expect(JSON.parse(request.requestBody).context.ip).toBeUndefined(); // the function's drop paths apply
  expect(typeof request.ms).toBe('number');
  expect(fx.sink.requests.length).toBe(before);
  expect(JSON.stringify(json)).not.toContain(SECRET);
});

test('real network: the request reaches the real destination and its answer is shown', async () => {
  const before = fx.sink.requests.length;
  const { json } = await api(fx.engine, '/api/functions/hooks/run', { body: { event: track(), network: 'real' } });
  expect(json).toMatchObject({ ok: true, status: 'delivered', network: 'real', result: { status: 200, body: { ok: true } } });
  expect(fx.sink.requests.length).toBe(before + 1);
  expect(fx.sink.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
  expect(json.requests[0]).toMatchObject({ status: 200, stubbed: false, responseBody: '{"ok":true}' });
  expect(json.requests[0].responseHeaders['content-type']).toBe('application/json');
});

test('a thrown error: class, message (redacted) and the stack line in the user\'s script', async () => {
  const { json } = await api(fx.engine, '/api/functions/hooks/run', { body: { event: track({ boom: true }) } });
  expect(json).toMatchObject({ ok: false, status: 'retry', reason: 'error' });
  expect(json.error.name).toBe('TypeError');
  expect(json.error.message).toBe('boom at line 6 with [REDACTED]');
  expect(json.error.stack[0]).toMatchObject({ file: 'functions/hooks/index.js', line: 6, fn: 'onTrack' });
});

test('TypeScript module style: the stack is mapped back to the .ts lines', async () => {
  const { json } = await api(fx.engine, '/api/functions/typed/run', { body: { event: track({ total: 500 }) } });
  expect(json.error).toMatchObject({ name: 'RangeError', message: 'total too large: 500' });
  expect(json.error.stack.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(['functions/typed/index.ts:6', 'functions/typed/index.ts:12']);
  const ok = await api(fx.engine, '/api/functions/typed/run', { body: { event: track({ total: 7 }) } });
  expect(ok.json).toMatchObject({ ok: true, result: { total: 7 } });
});

test('per-run settings overrides (a secret override is redacted too); unknown settings and invalid events are 400', async () => {
  const other = 'override_secret_value_987654';
  const { json } = await api(fx.engine, '/api/functions/hooks/run', { body: { event: track(), settings: { apiKey: other } } });
  expect(json.logs.join('\n')).toMatch(/sending with key \[REDACTED\]/);
  expect(json.requests[0].requestHeaders.authorization).toBe('Bearer [REDACTED]');
  expect(JSON.stringify(json)).not.toContain(other);
  const unknown = await api(fx.engine, '/api/functions/hooks/run', { body: { event: track(), settings: { nope: 1 } } });
  expect(unknown.status).toBe(400);
  expect(unknown.json.error).toMatch(/setting "nope" is not declared/);
  const invalid = await api(fx.engine, '/api/functions/hooks/run', { body: { event: { type: 'track' } } });
  expect(invalid.status).toBe(400);
  expect(invalid.json.error).toBe('event: "event" is required for a track event');
  expect((await api(fx.engine, '/api/functions/nope/run', { body: { event: track() } })).status).toBe(404);
});

describe('a batch (a JSON array of events, as Segment\'s editor takes)', () => {
  beforeAll(async () => {
    writeFunction(fx.project.functionsDir, 'bulk', {
      code: `async function onBatch(events, settings) {
  console.log('batch of', events.length);
  return events.map((e) => e.properties.fail ? { status: 503, errormessage: 'bulk API busy' } : { id: e.messageId });
}`,
    });
    writeFunction(fx.project.functionsDir, 'throws', {
      code: `async function onTrack(event) {
  await new Promise((resolve) => setTimeout(resolve, event.properties.wait));
  throw new Error(event.properties.message);
}`,
    });
    await waitFor('bulk and throws loaded', () => ['bulk', 'throws'].every((f) => fx.engine.functions().includes(f)), 10_000);
  });

  test('goes to onBatch once: each event\'s fate in order, the worst as the Run\'s status, the batch\'s log once', async () => {
    const events = [{ ...track(), messageId: 'b-0' }, { ...track({ fail: true }), messageId: 'b-1' }, { ...track(), messageId: 'b-2' }];
    const { status, json } = await api(fx.engine, '/api/functions/bulk/run', { body: { event: events } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: false, status: 'retry', onBatch: true, logs: ['batch of 3'], error: { name: 'RetryError', message: 'bulk API busy (status 503)' } });
    expect(json.events).toEqual([
      { messageId: 'b-0', status: 'delivered', reason: null, result: { id: 'b-0' } },
      { messageId: 'b-1', status: 'retry', reason: 'retry-error', error: { name: 'RetryError', message: 'bulk API busy (status 503)' } },
      { messageId: 'b-2', status: 'delivered', reason: null, result: { id: 'b-2' } },
    ]);
    const all = await api(fx.engine, '/api/functions/bulk/run', { body: { event: { batch: [{ ...track(), messageId: 'b-3' }] } } });
    expect(all.json).toMatchObject({ ok: true, status: 'delivered', events: [{ messageId: 'b-3', status: 'delivered' }] });
  });

  test('without onBatch, each event through its handler: its own requests and logs, prefixed by index', async () => {
    const { json } = await api(fx.engine, '/api/functions/hooks/run', { body: { event: [track(), track({ boom: true })] } });
    expect(json).toMatchObject({ ok: false, status: 'retry', onBatch: false, error: { name: 'TypeError', stack: [expect.objectContaining({ file: 'functions/hooks/index.js', line: 6 })] } });
    expect(json.events.map((e: { status: string }) => e.status)).toEqual(['delivered', 'retry']);
    expect(json.requests.map((r: { requestBody: string }) => JSON.parse(r.requestBody).messageId)).toEqual(json.events.map((e: { messageId: string }) => e.messageId));
    expect(json.logs.some((line: string) => line.startsWith('[0] '))).toBe(true);
    expect(json.logs.some((line: string) => line.startsWith('[1] '))).toBe(true);
    expect(JSON.stringify(json)).not.toContain(SECRET);
  });

  test('the error shown is the first failed event\'s; its stack only when it was the last throw (else another event\'s stack would show)', async () => {
    const run = async (waits: number[]) => (await api(fx.engine, '/api/functions/throws/run', {
      body: { event: waits.map((wait, i) => ({ ...track({ wait, message: `thrown by ${i}` }), messageId: `t-${i}` })) },
    })).json;
    const lastThrowFirst = await run([40, 0]);
    expect(lastThrowFirst.error).toMatchObject({ message: 'thrown by 0', stack: [expect.objectContaining({ file: 'functions/throws/index.js', line: 3 })] });
    const lastThrowOther = await run([0, 40]);
    expect(lastThrowOther.error).toEqual({ name: 'Error', message: 'thrown by 0', stack: [] });
  });

  test('an empty batch, or one with an invalid event, is refused with the event\'s index', async () => {
    expect((await api(fx.engine, '/api/functions/bulk/run', { body: { event: [] } })).json.error).toBe('event: an empty batch; give it one event or more');
    const invalid = await api(fx.engine, '/api/functions/bulk/run', { body: { event: [track(), { type: 'track', userId: 'u' }] } });
    expect(invalid).toMatchObject({ status: 400, json: { error: 'event[1]: "event" is required for a track event' } });
  });
});

test('Run touches neither the queue nor the delivery records nor the logs', async () => {
  const before = storedCounts(fx.engine);
  const logs = fx.engine.records.lastLogs(null, 1000).length;
  await api(fx.engine, '/api/functions/hooks/run', { body: { event: track() } });
  await api(fx.engine, '/api/functions/hooks/run', { body: { event: track({ boom: true }) } });
  expect(storedCounts(fx.engine)).toEqual(before);
  expect(fx.engine.records.lastLogs(null, 1000).length).toBe(logs);
});

test('samples of each type', async () => {
  const { json } = await api(fx.engine, '/api/functions/hooks/samples');
  expect(Object.keys(json.samples).sort()).toEqual(['alias', 'delete', 'group', 'identify', 'page', 'screen', 'track']);
  expect(json.samples.track).toMatchObject({ type: 'track', event: 'Order Completed' });
});

describe('in a process of its own', () => {
  beforeAll(async () => {
    writeFunction(fx.project.functionsDir, 'spin', {
      code: `async function onTrack(event) {
  if (event.properties.mode === 'spin') { for (;;) {} }
  const host = this.constructor.constructor('return process')();
  return { env: Object.keys(host.env), canary: host.env.DESTFN_CONSOLE_CANARY ?? null, pid: host.pid };
}`,
      config: { timeoutSeconds: 1 },
    });
    await waitFor('spin loaded', () => fx.engine.functions().includes('spin'), 10_000);
  });

  test('code that escapes its vm context reaches the run\'s process, not the engine\'s (no environment)', async () => {
    process.env.DESTFN_CONSOLE_CANARY = 'engine-only-canary';
    try {
      const { json } = await api(fx.engine, '/api/functions/spin/run', { body: { event: track({ mode: 'escape' }) } });
      expect(json).toMatchObject({ ok: true, result: { env: [], canary: null } });
      expect(json.result.pid).not.toBe(process.pid);
    } finally {
      delete process.env.DESTFN_CONSOLE_CANARY;
    }
  });

  test('a handler that never returns is stopped; the engine keeps answering meanwhile', async () => {
    const started = Date.now();
    const run = api(fx.engine, '/api/functions/spin/run', { body: { event: track({ mode: 'spin' }) } });
    await new Promise((r) => setTimeout(r, 300));
    const health = await fetch(`${fx.engine.url}/health`);
    expect(health.status).toBe(200);
    const { json } = await run;
    expect(json).toMatchObject({ ok: false, status: 'retry', reason: 'timeout', error: { name: 'TimeoutError' } });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

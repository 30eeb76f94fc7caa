import { sampleEvent } from '../../runtime/events/samples';
import type { FunctionInstance } from '../../runtime/function/instance';
import { closedPort } from '../runtime/support/http-server';
import { loadExample, startSink, STATUS_CLASSES, type Sink } from './support';
import { TYPES } from '../ingest/support';

const API_KEY = 'gcf-key-5f1d3c';
const BASIC = `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`;

describe('functions/google-cloud-function against a real HTTP server', () => {
  let sink: Sink;
  let fn: FunctionInstance;
  let keyless: FunctionInstance;
  beforeAll(async () => {
    sink = await startSink();
    fn = loadExample('google-cloud-function', { httpTrigger: `${sink.url}/trigger`, apiKey: API_KEY });
    keyless = loadExample('google-cloud-function', { httpTrigger: `${sink.url}/trigger` });
  });
  afterAll(async () => {
    fn.dispose();
    keyless.dispose();
    await sink.close();
  });
  beforeEach(() => {
    sink.requests.length = 0;
    sink.answer = { status: 200, body: '{"ok":true}' };
  });

  test('POSTs the event as JSON with Basic auth = base64(apiKey + ":")', async () => {
    const event = sampleEvent('track');
    const outcome = await fn.invoke(event);
    expect(outcome).toMatchObject({ status: 'delivered', result: { ok: true }, error: null });
    expect(sink.requests).toHaveLength(1);
    const [req] = sink.requests;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/trigger');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBe(BASIC);
    expect(JSON.parse(req.body)).toEqual(event);
  });

  test('without apiKey no Authorization header is sent', async () => {
    await keyless.invoke(sampleEvent('identify'));
    expect(sink.requests[0].headers.authorization).toBeUndefined();
  });

  test('every event type is sent', async () => {
    for (const type of TYPES) expect((await keyless.invoke(sampleEvent(type))).status).toBe('delivered');
    expect(sink.requests.map((r) => JSON.parse(r.body).type)).toEqual([...TYPES]);
  });

  test('a 2xx text body is returned as text, an empty one as ""', async () => {
    sink.answer = { status: 200, body: 'done', contentType: 'text/plain' };
    expect((await fn.invoke(sampleEvent('page'))).result).toBe('done');
    sink.answer = { status: 204 };
    expect((await fn.invoke(sampleEvent('page'))).result).toBe('');
  });

  test.each(STATUS_CLASSES)('HTTP %i ⇒ %s (%s)', async (status, expected, errorName) => {
    sink.answer = { status, body: `{"error":"nope ${status}"}` };
    const outcome = await fn.invoke(sampleEvent('track'));
    expect(outcome.status).toBe(expected);
    expect(outcome.error?.name).toBe(errorName);
    expect(outcome.error?.message).toContain(String(status));
  });

  test('a network error ⇒ RetryError naming the URL', async () => {
    const port = await closedPort();
    const down = loadExample('google-cloud-function', { httpTrigger: `http://127.0.0.1:${port}/x` });
    try {
      const outcome = await down.invoke(sampleEvent('track'));
      expect(outcome).toMatchObject({ status: 'retry', reason: 'retry-error', error: { name: 'RetryError' } });
      expect(outcome.error?.message).toMatch(new RegExp(`request to http://127.0.0.1:${port}/x failed, reason: .*ECONNREFUSED`));
    } finally {
      down.dispose();
    }
  });

  test('the apiKey never appears in the error, even when the server echoes the Authorization header', async () => {
    sink.answer = { status: 401, body: `bad credentials: ${BASIC} (${API_KEY})` };
    const outcome = await fn.invoke(sampleEvent('track'));
    expect(outcome.error?.name).toBe('ValidationError');
    const recorded = JSON.stringify(outcome);
    expect(recorded).not.toContain(API_KEY);
    expect(recorded).not.toContain(BASIC.slice('Basic '.length));
  });
});

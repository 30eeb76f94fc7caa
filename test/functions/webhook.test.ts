import { sampleEvent } from '../../runtime/events/samples';
import type { FunctionInstance } from '../../runtime/function/instance';
import { parseIngestRequest } from '../../runtime/ingest';
import { closedPort } from '../runtime/support/http-server';
import { TYPES } from '../ingest/support';
import { loadExample, startSink, STATUS_CLASSES, type Sink } from './support';

describe('functions/webhook against a real HTTP server', () => {
  let sink: Sink;
  let fn: FunctionInstance;
  beforeAll(async () => {
    sink = await startSink();
    fn = loadExample('webhook', { url: `${sink.url}/hook?x=1`, headers: { 'X-Team': 'growth', 'Content-Type': 'application/json; charset=utf-8' } });
  });
  afterAll(async () => {
    fn.dispose();
    await sink.close();
  });
  beforeEach(() => {
    sink.requests.length = 0;
    sink.answer = { status: 200, body: '{"received":true}' };
  });

  test('POSTs every event type as JSON to the URL with the configured headers', async () => {
    for (const type of TYPES) {
      const event = sampleEvent(type);
      expect(await fn.invoke(event)).toMatchObject({ status: 'delivered', result: { received: true } });
      const req = sink.requests.at(-1)!;
      expect(req).toMatchObject({ method: 'POST', url: '/hook?x=1' });
      expect(req.headers['x-team']).toBe('growth');
      expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(req.headers['x-signature']).toBeUndefined();
      expect(JSON.parse(req.body)).toEqual(event);
    }
    expect(sink.requests).toHaveLength(TYPES.length);
  });

  test('a text answer is returned as text', async () => {
    sink.answer = { status: 202, body: 'queued', contentType: 'text/plain' };
    expect((await fn.invoke(sampleEvent('track'))).result).toBe('queued');
  });

  test.each(STATUS_CLASSES)('HTTP %i ⇒ %s (%s)', async (status, expected, errorName) => {
    sink.answer = { status, body: 'no' };
    const outcome = await fn.invoke(sampleEvent('identify'));
    expect(outcome.status).toBe(expected);
    expect(outcome.error).toEqual({ name: errorName, message: `webhook responded ${status}: no` });
  });

  test('a network error ⇒ RetryError', async () => {
    const down = loadExample('webhook', { url: `http://127.0.0.1:${await closedPort()}/` });
    try {
      expect(await down.invoke(sampleEvent('track'))).toMatchObject({ status: 'retry', error: { name: 'RetryError' } });
    } finally {
      down.dispose();
    }
  });

  test('with sharedSecret the body is signed so destfn\'s own /webhook/<source> accepts it', async () => {
    const signed = loadExample('webhook', { url: `${sink.url}/webhook/partner`, sharedSecret: 'hmac-secret-77' });
    try {
      const event = sampleEvent('group');
      expect((await signed.invoke(event)).status).toBe('delivered');
      const req = sink.requests.at(-1)!;
      expect(req.headers['x-signature']).toMatch(/^[0-9a-f]{40}$/);
      const result = parseIngestRequest(
        { method: 'POST', path: req.url, headers: req.headers as Record<string, string>, body: Buffer.from(req.body) },
        [{ name: 'partner', writeKey: 'unused', sharedSecret: 'hmac-secret-77' }],
      );
      expect(result).toMatchObject({ ok: true, source: 'partner', events: [{ messageId: event.messageId, groupId: 'acct-77' }] });
    } finally {
      signed.dispose();
    }
  });
});

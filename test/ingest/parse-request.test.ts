import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseIngestRequest, type IngestRequest, type IngestResult } from '../../runtime/ingest';
import { MAX_BATCH_EVENTS, MAX_REQUEST_BYTES } from '../../runtime/events/limits';
import { basic, fixture, post, SOURCES, TYPES, WRITE_KEY } from './support';

const NOW = new Date('2026-11-21T09:00:00.000Z');
const ingest = (req: IngestRequest): IngestResult => parseIngestRequest(req, SOURCES, NOW);

function accepted(req: IngestRequest) {
  const result = ingest(req);
  if (!result.ok) throw new Error(`refused ${result.status}: ${result.body.error}`);
  return result;
}

function refused(req: IngestRequest) {
  const result = ingest(req);
  if (result.ok) throw new Error('accepted');
  expect(result.body.success).toBe(false);
  expect(typeof result.body.error).toBe('string');
  return result;
}

const track = { type: 'track', userId: 'u1', event: 'X' };
const sign = (secret: string, body: string) => createHmac('sha1', secret).update(body).digest('hex');

describe('routes', () => {
  test.each(TYPES.filter((t) => t !== 'delete'))('POST /v1/%s accepts the fixture, type taken from the path', (type) => {
    const { type: _type, ...body } = fixture(`${type}.json`);
    const result = accepted(post(`/v1/${type}`, body));
    expect(result.source).toBe('web');
    expect(result.events).toEqual([{ ...fixture(`${type}.json`), receivedAt: NOW.toISOString() }]);
  });

  test.each(['/v1/batch', '/v1/import'])('POST %s accepts batch.json in order', (path) => {
    const body = fixture<{ batch: Array<{ messageId: string }> }>('batch.json');
    const result = accepted(post(path, body));
    expect(result.events.map((e) => e.messageId)).toEqual(body.batch.map((e) => e.messageId));
  });

  test('a delete event is accepted through /v1/batch and /webhook', () => {
    expect(accepted(post('/v1/batch', { batch: [fixture('delete.json')] })).events[0].type).toBe('delete');
    expect(accepted(post('/webhook/web', fixture('delete.json'))).events[0].type).toBe('delete');
  });

  test('a query string and a trailing slash are ignored', () => {
    expect(accepted(post('/v1/track/?source=x', track)).events).toHaveLength(1);
  });

  test.each(['/v1/nope', '/v2/track', '/', '/v1', '/webhook', '/webhook/a/b', '/v1/delete'])('POST %s is 404', (path) => {
    expect(refused(post(path, track)).status).toBe(404);
  });

  test.each(['GET', 'PUT', 'OPTIONS', 'DELETE'])('%s on /v1/track is 405', (method) => {
    expect(refused({ ...post('/v1/track', track), method }).status).toBe(405);
  });

  test('a body type that contradicts the path is refused', () => {
    expect(refused(post('/v1/track', { ...track, type: 'identify' })).body.error).toBe('"type" is "identify" but the endpoint is /v1/track');
  });

  test('messageId is assigned when missing, time first (records keyed by it are appended in order); receivedAt is the ingest time', () => {
    const [event, other] = accepted(post('/v1/batch', { batch: [track, track] })).events;
    expect(event.messageId).toMatch(new RegExp(`^ingest-${NOW.getTime()}-[0-9a-f-]{36}$`));
    expect(other.messageId).not.toBe(event.messageId);
    expect(event.receivedAt).toBe(NOW.toISOString());
  });

  test('batch-level sentAt, context and integrations apply to every event; the event\'s own values win', () => {
    const body = {
      batch: [{ ...track, context: { ip: '1.1.1.1' } }, { ...track, sentAt: '2026-01-01T00:00:00Z', integrations: { All: false } }],
      sentAt: '2026-11-20T18:00:00Z', context: { ip: '9.9.9.9', locale: 'fr' }, integrations: { All: true, Foo: true },
    };
    const [a, b] = accepted(post('/v1/batch', body)).events;
    expect(a).toMatchObject({ sentAt: '2026-11-20T18:00:00Z', context: { ip: '1.1.1.1', locale: 'fr' }, integrations: { All: true, Foo: true } });
    expect(b).toMatchObject({ sentAt: '2026-01-01T00:00:00Z', context: { ip: '9.9.9.9', locale: 'fr' }, integrations: { All: false, Foo: true } });
  });
});

describe('bad-inputs.json: each refused with a 4xx JSON error that says what is wrong', () => {
  const cases = fixture<Array<{ why: string; body: unknown }>>('bad-inputs.json');
  const expected: Record<string, RegExp> = {
    'not JSON': /not valid JSON/,
    'type missing': /"type" is required/,
    'unknown type': /"type" must be one of/,
    'track without event': /"event" is required for a track event/,
    'no userId and no anonymousId': /"userId" or "anonymousId" is required/,
    'userId is an object': /"userId" must be a string/,
    'properties is a string': /"properties" must be an object/,
    'batch is not an array': /"batch" must be an array/,
    'empty batch': /batch is empty/,
    'prototype pollution attempt': /__proto__.*not allowed/,
    'event over 32 KB': /limit is 32768 bytes/,
    'messageId over 100 characters': /"messageId" must be at most 100 characters/,
    'timestamp not a date': /"timestamp" must be an ISO-8601 date/,
  };
  const raw = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body));
  const isEnvelope = (body: unknown) => typeof body === 'object' && body !== null && 'batch' in body;

  test('every fixture has an expected message', () => {
    expect(cases.map((c) => c.why).sort()).toEqual(Object.keys(expected).sort());
  });

  test.each(cases.map((c) => [c.why, c.body] as const))('%s', (why, body) => {
    const alone = refused(post(isEnvelope(body) ? '/v1/batch' : '/webhook/web', raw(body)));
    expect(alone.status).toBeGreaterThanOrEqual(400);
    expect(alone.status).toBeLessThan(500);
    expect(alone.body.error).toMatch(expected[why]);
    expect(JSON.parse(JSON.stringify(alone.body))).toEqual(alone.body);

    if (isEnvelope(body)) return;
    // The same event second in a batch: only it is rejected, naming index 1; the valid first one is accepted.
    const inBatch = ingest(post('/v1/batch', `{"batch":[${JSON.stringify(track)},${raw(body)}]}`));
    if (why === 'not JSON') return expect(inBatch).toMatchObject({ ok: false, status: 400, body: { error: expect.stringMatching(/not valid JSON/) } });
    if (!inBatch.ok) throw new Error(`refused ${inBatch.status}: ${inBatch.body.error}`);
    expect(inBatch.events).toHaveLength(1);
    expect(inBatch.rejected).toEqual([{ index: 1, error: expect.stringMatching(/^batch\[1\]: /), snippet: expect.any(String) }]);
    expect(inBatch.rejected[0].error).toMatch(expected[why]);
  });

  test('the pollution attempts leave Object.prototype clean', () => {
    for (const { body } of cases) ingest(post('/v1/batch', `{"batch":[${raw(body)}]}`));
    ingest(post('/v1/track', '{"userId":"u","event":"X","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('authentication', () => {
  test('no credentials: 401', () => {
    const result = refused(post('/v1/track', track, { authorization: undefined }));
    expect(result.status).toBe(401);
    expect(result.body.error).toMatch(/^missing write key/);
  });

  test.each([basic('wrong-key'), basic(''), 'Bearer abc', 'Basic !!!', basic(`${WRITE_KEY}x`), `Basic ${WRITE_KEY}`])(
    'a wrong Authorization header (%s) is 401, even with a good writeKey in the body', (authorization) => {
      expect(refused(post('/v1/track', { ...track, writeKey: WRITE_KEY }, { authorization })).status).toBe(401);
    });

  test('the write key picks the source; any Basic password is ignored', () => {
    expect(accepted(post('/v1/track', track, { authorization: basic('wk_mobile_abcdef', 'x') })).source).toBe('mobile');
  });

  test('writeKey in the body works for one event and for a batch, and never reaches the events', () => {
    const single = accepted(post('/v1/track', { ...track, writeKey: WRITE_KEY }, { authorization: undefined }));
    const batch = accepted(post('/v1/batch', { batch: [{ ...track, writeKey: 'other' }], writeKey: 'wk_mobile_abcdef' }, { authorization: undefined }));
    expect(single.source).toBe('web');
    expect(batch.source).toBe('mobile');
    expect(JSON.stringify([single.events, batch.events])).not.toMatch(/writeKey|wk_/);
  });

  test('a wrong writeKey in the body is 401', () => {
    expect(refused(post('/v1/batch', { batch: [track], writeKey: 'nope' }, { authorization: undefined })).status).toBe(401);
  });
});

describe('webhook endpoint', () => {
  test('unknown source: 404', () => {
    expect(refused(post('/webhook/nope', track)).status).toBe(404);
  });

  test('a source without shared secret takes its own write key as Basic auth, one event or an array', () => {
    expect(accepted(post('/webhook/web', track)).events).toHaveLength(1);
    expect(accepted(post('/webhook/web', [track, track])).events).toHaveLength(2);
    expect(refused(post('/webhook/web', track, { authorization: undefined })).status).toBe(401);
    expect(refused(post('/webhook/web', track, { authorization: basic('wk_mobile_abcdef') })).status).toBe(401);
  });

  test('a source with a shared secret requires X-Signature = hex HMAC-SHA1 of the raw body', () => {
    const body = JSON.stringify([track, fixture('identify.json')]);
    const good = sign('shh-shared-secret', body);
    const result = accepted(post('/webhook/hooks', body, { authorization: undefined, 'x-signature': good }));
    expect(result).toMatchObject({ source: 'hooks' });
    expect(result.events).toHaveLength(2);
    expect(accepted(post('/webhook/hooks', body, { 'x-signature': good.toUpperCase() })).ok).toBe(true);
  });

  test.each([
    ['missing', undefined],
    ['wrong secret', sign('other', JSON.stringify(track))],
    ['over another body', sign('shh-shared-secret', '{}')],
    ['garbage', 'zz'],
  ])('signature %s: 401 (Basic auth does not replace it)', (_why, signature) => {
    const result = refused(post('/webhook/hooks', JSON.stringify(track), { 'x-signature': signature, authorization: basic('wk_hooks_zzz') }));
    expect(result.status).toBe(401);
    expect(result.body.error).toMatch(/X-Signature/);
  });

  test('a webhook body that is neither an object nor an array is 400', () => {
    expect(refused(post('/webhook/web', '"text"')).status).toBe(400);
    expect(refused(post('/webhook/web', [])).body.error).toBe('the batch is empty');
  });
});

describe('content type, encoding and limits', () => {
  test.each(['application/json', 'application/json; charset=utf-8', 'text/plain', 'text/plain;charset=UTF-8', undefined, ''])(
    'Content-Type %p is accepted', (contentType) => {
      expect(accepted(post('/v1/track', track, { 'content-type': contentType })).ok).toBe(true);
    });

  test.each(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html', 'application/json; charset=latin1'])(
    'Content-Type %p is 415', (contentType) => {
      expect(refused(post('/v1/track', track, { 'content-type': contentType })).status).toBe(415);
    });

  test('a gzip body (Content-Encoding: gzip) is accepted like the plain one', () => {
    const plain = accepted(post('/v1/batch', { batch: [track, { ...track, event: 'Y' }] }));
    const zipped = accepted(post('/v1/batch', gzipSync(JSON.stringify({ batch: [track, { ...track, event: 'Y' }] })), { 'content-encoding': 'gzip' }));
    expect(zipped.events.map((e) => ({ ...e, messageId: '' }))).toEqual(plain.events.map((e) => ({ ...e, messageId: '' })));
    expect(accepted(post('/v1/track', gzipSync(JSON.stringify(track)), { 'content-encoding': ' GZIP ' })).events).toHaveLength(1);
  });

  test('other encodings are 415; a body that is not gzip is 400; a gzip bomb stops at 500 KB with 413', () => {
    expect(refused(post('/v1/track', track, { 'content-encoding': 'br' }))).toMatchObject({ status: 415, body: { error: 'Content-Encoding "br" is not supported; send the body uncompressed or gzip' } });
    expect(refused(post('/v1/track', track, { 'content-encoding': 'gzip' }))).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^request body is not valid gzip \(Content-Encoding: gzip\): /) } });
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)); // 50 MB of spaces, ~50 KB compressed
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(refused(post('/v1/track', bomb, { 'content-encoding': 'gzip' }))).toMatchObject({ status: 413, body: { error: 'the decompressed request body is over 512000 bytes (500 KB)' } });
  });

  test('invalid UTF-8 and an empty body are 400', () => {
    const bad = Buffer.concat([Buffer.from('{"type":"track","userId":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","event":"X"}')]);
    expect(refused(post('/v1/track', bad)).body.error).toBe('request body is not valid UTF-8');
    expect(refused(post('/v1/track', '')).status).toBe(400);
  });

  test('the JSON error never quotes the body', () => {
    expect(refused(post('/v1/track', 'writeKey=supersecret')).body.error).not.toContain('supersecret');
  });

  test(`${MAX_BATCH_EVENTS} events are accepted; ${MAX_BATCH_EVENTS + 1} are 413`, () => {
    expect(accepted(post('/v1/batch', { batch: Array(MAX_BATCH_EVENTS).fill(track) })).events).toHaveLength(MAX_BATCH_EVENTS);
    const result = refused(post('/v1/batch', { batch: Array(MAX_BATCH_EVENTS + 1).fill(track) }));
    expect(result).toMatchObject({ status: 413, body: { error: 'the batch has 2501 events; the limit is 2500' } });
    expect(refused(post('/webhook/web', Array(MAX_BATCH_EVENTS + 1).fill(track))).status).toBe(413);
  });

  test('a body over 500 KB is 413 (even when every event is small)', () => {
    const event = { ...track, properties: { pad: 'p'.repeat(200) } };
    const body = JSON.stringify({ batch: Array(2400).fill(event) });
    expect(body.length).toBeGreaterThan(MAX_REQUEST_BYTES);
    expect(refused(post('/v1/batch', body)).status).toBe(413);
  });

  test('an event over 32 KB in a batch is rejected alone, naming its index; the others are accepted', () => {
    const big = { ...track, properties: { blob: 'x'.repeat(33000) } };
    const result = accepted(post('/v1/batch', { batch: [track, track, big] }));
    expect(result.events).toHaveLength(2);
    expect(result.rejected).toEqual([{ index: 2, error: expect.stringMatching(/^batch\[2\]: the event is \d+ bytes/), snippet: expect.any(String) }]);
    expect(result.rejected[0].snippet.length).toBeLessThanOrEqual(301);
  });

  // Small bodies skip re-serializing each event to measure it (jsonSizeBound): the bound must hold even
  // for the JSON that grows most when re-serialized, numbers such as 9e20 (4 bytes in, 21 out).
  test('an event whose numbers expand past 32 KB when re-serialized is still 413', () => {
    const expanding = (count: number) => `{"type":"track","userId":"u1","event":"X","properties":{"n":[${Array(count).fill('9e20').join(',')}]}}`;
    const small = expanding(1300); // ~6.6 KB of body, ~28.7 KB once re-serialized
    expect(Buffer.byteLength(JSON.stringify(JSON.parse(small)))).toBeLessThan(32 * 1024);
    expect(ingest(post('/v1/track', small)).ok).toBe(true);
    const large = expanding(1500); // ~7.6 KB of body, ~33 KB once re-serialized
    expect(Buffer.byteLength(JSON.stringify(JSON.parse(large)))).toBeGreaterThan(32 * 1024);
    expect(refused(post('/v1/track', large))).toMatchObject({ status: 413, body: { error: expect.stringMatching(/^the event is \d+ bytes; the limit is 32768/) } });
    expect(accepted(post('/v1/batch', `{"batch":[${large}]}`))).toMatchObject({ events: [], rejected: [{ index: 0, error: expect.stringMatching(/limit is 32768/) }] });
  });
});

describe('never throws', () => {
  const seeds = [JSON.stringify(fixture('batch.json')), JSON.stringify(fixture('track.json')), JSON.stringify([fixture('page.json')])];
  const paths = ['/v1/batch', '/v1/track', '/webhook/web', '/webhook/hooks', '/v1/import'];
  let seed = 7;
  const rand = (n: number): number => { // mulberry32: deterministic, so a failure reproduces
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 * n) | 0;
  };

  function mutate(text: string): Buffer {
    switch (rand(6)) {
      case 0: return Buffer.from(text.slice(0, rand(text.length)));
      case 1: { const b = Buffer.from(text); b[rand(b.length)] = rand(256); return b; }
      case 2: return Buffer.from(text.replace(/"[^"]*"/, () => ['1', 'null', '[]', '{}', 'true', '"x"'][rand(6)]));
      case 3: return Buffer.from(`${'['.repeat(rand(200000))}1`);
      case 4: return Buffer.from(text.replace(/"userId":"[^"]*"/, `"userId":"${'u'.repeat(rand(40000))}"`));
      default: return Buffer.from(text.replace(/\{/g, () => (rand(4) === 0 ? '{"__proto__":{"x":1},' : '{')));
    }
  }

  test('2,000 mutated requests all get a 2xx-shaped or 4xx result', () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const req: IngestRequest = {
        method: rand(20) === 0 ? 'GET' : 'POST',
        path: paths[rand(paths.length)],
        headers: { authorization: rand(8) === 0 ? 'Basic %%%' : basic(WRITE_KEY), 'content-type': rand(10) === 0 ? 'x/y' : 'application/json' },
        body: mutate(seeds[rand(seeds.length)]),
      };
      const result = ingest(req);
      statuses.add(result.ok ? 200 : result.status);
      if (!result.ok) {
        expect(result.status).toBeGreaterThanOrEqual(400);
        expect(result.status).toBeLessThan(500);
      }
    }
    expect([...statuses].sort()).toEqual([200, 400, 401, 405, 413, 415]); // the mutations reach every stage
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test('missing or odd fields in the request itself give a result, not a throw', () => {
    const odd = [{}, { method: 'POST' }, { method: 'POST', path: '/v1/track' }, { method: 'POST', path: '/v1/track', headers: {}, body: 'str' }];
    for (const req of odd) expect(ingest(req as unknown as IngestRequest).ok).toBe(false);
  });
});

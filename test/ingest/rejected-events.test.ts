/**
 * One invalid event of a batch does not lose the batch: the valid events are accepted, each invalid one is
 * rejected with its index, the reason and a redacted snippet (analytics-node and analytics.js drop a batch
 * answered 4xx whole, without retrying). A single event, or a request malformed as a whole, is still refused.
 */
import { parseIngestRequest, type IngestRequest } from '../../runtime/ingest';
import { acceptedBody } from '../../runtime/ingest/types';
import { REDACTED } from '../../runtime/settings/redact';
import { basic, post, SOURCES, WRITE_KEY } from './support';

const NOW = new Date('2026-11-21T09:00:00.000Z');
const track = (messageId: string) => ({ type: 'track', userId: 'u1', event: 'X', messageId });

function accepted(req: IngestRequest) {
  const result = parseIngestRequest(req, SOURCES, NOW);
  if (!result.ok) throw new Error(`refused ${result.status}: ${result.body.error}`);
  return result;
}

test('the valid events of a batch are accepted in order, each invalid one rejected with its index and reason', () => {
  const result = accepted(post('/v1/batch', { batch: [track('a'), { type: 'track', userId: 'u1' }, track('b'), { type: 'nope' }, track('c')] }));
  expect(result.events.map((e) => e.messageId)).toEqual(['a', 'b', 'c']);
  expect(result.rejected.map(({ index, error }) => ({ index, error }))).toEqual([
    { index: 1, error: 'batch[1]: "event" is required for a track event' },
    { index: 3, error: expect.stringMatching(/^batch\[3\]: "type" must be one of/) },
  ]);
  expect(result.rejected[0].snippet).toBe('{"type":"track","userId":"u1"}');
});

test('a webhook array is partly accepted the same way; a batch of only invalid events is accepted with nothing in it', () => {
  const hooks = accepted(post('/webhook/web', [track('w1'), 'not an event']));
  expect(hooks.events.map((e) => e.messageId)).toEqual(['w1']);
  expect(hooks.rejected).toEqual([{ index: 1, error: expect.stringMatching(/^batch\[1\]: /), snippet: '"not an event"' }]);
  expect(accepted(post('/v1/batch', { batch: [{}, {}] }))).toMatchObject({ events: [], rejected: [{ index: 0 }, { index: 1 }] });
});

test('the snippet is cut to 300 characters and holds no write key or shared secret, in any form', () => {
  const mobileKey = SOURCES[1].writeKey;
  const shared = SOURCES[2].sharedSecret!;
  const leaky = {
    type: 'track', userId: 'u1', writeKey: WRITE_KEY,
    properties: { hex: Buffer.from(mobileKey).toString('hex'), b64: Buffer.from(shared).toString('base64'), pad: 'p'.repeat(400) },
  };
  const [rejected] = accepted(post('/v1/batch', { batch: [leaky] })).rejected;
  expect(rejected.snippet).toHaveLength(301);
  expect(rejected.snippet.endsWith('…')).toBe(true);
  expect(rejected.snippet.match(/\[REDACTED\]/g)).toHaveLength(3);
  for (const leak of [WRITE_KEY, Buffer.from(mobileKey).toString('hex'), Buffer.from(shared).toString('base64').slice(0, 8)]) expect(rejected.snippet).not.toContain(leak);
  expect(rejected.snippet).toContain(REDACTED);
});

test('a single invalid event, or a malformed request, is still refused as a whole', () => {
  expect(parseIngestRequest(post('/v1/track', { userId: 'u1' }), SOURCES, NOW)).toMatchObject({ ok: false, status: 400 });
  expect(parseIngestRequest(post('/v1/batch', '{"batch":[{"type":"track",'), SOURCES, NOW)).toMatchObject({ ok: false, status: 400 });
  expect(parseIngestRequest(post('/v1/batch', { batch: 'x' }), SOURCES, NOW)).toMatchObject({ ok: false, status: 400 });
  expect(parseIngestRequest(post('/v1/batch', { batch: [track('a')] }, { authorization: basic('wrong') }), SOURCES, NOW)).toMatchObject({ ok: false, status: 401 });
});

test('a refused single invalid event from a known source carries it as rejected (index 0, redacted snippet); other refusals carry none', () => {
  const refused = parseIngestRequest(post('/v1/track', { userId: 'u1', writeKey: WRITE_KEY }), SOURCES, NOW);
  expect(refused).toEqual({
    ok: false, status: 400, body: { success: false, error: '"event" is required for a track event' },
    rejected: { source: SOURCES[0].name, event: { index: 0, error: '"event" is required for a track event', snippet: '{"userId":"u1","writeKey":"[REDACTED]","type":"track"}' } },
  });
  const hook = parseIngestRequest(post('/webhook/mobile', { type: 'track', userId: 'u1' }, { authorization: basic('wk_mobile_abcdef') }), SOURCES, NOW);
  expect(hook).toMatchObject({ ok: false, status: 400, rejected: { source: 'mobile', event: { index: 0, snippet: '{"type":"track","userId":"u1"}' } } });
  const tooLarge = parseIngestRequest(post('/v1/track', { userId: 'u1', event: 'Big', properties: { pad: 'p'.repeat(40_000) } }), SOURCES, NOW);
  expect(tooLarge).toMatchObject({ ok: false, status: 413, rejected: { event: { index: 0, snippet: expect.stringMatching(/^\{"userId":"u1".{250,}…$/) } } });

  // Refused before an event was read, or from no known source: nothing to record.
  for (const req of [
    post('/v1/track', '{"type":"track",'),
    post('/v1/track', { userId: 'u1' }, { authorization: basic('wrong') }),
    post('/v1/track', { userId: 'u1' }, { authorization: undefined }),
    post('/v1/batch', { batch: 'x' }),
  ]) {
    const result = parseIngestRequest(req, SOURCES, NOW);
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('rejected');
  }
});

test('the 200 answer lists the rejected indexes and reasons only (the snippet is for the operator)', () => {
  expect(acceptedBody([])).toEqual({ success: true });
  expect(acceptedBody([{ index: 2, error: 'batch[2]: bad', snippet: '{}' }])).toEqual({ success: true, rejected: [{ index: 2, error: 'batch[2]: bad' }] });
});

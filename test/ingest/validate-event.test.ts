import { validateEvent } from '../../runtime/events/validate';
import { sampleEvent } from '../../runtime/events/samples';
import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH } from '../../runtime/events/limits';
import { fixture, TYPES } from './support';

const NOW = new Date('2026-11-21T09:00:00.000Z');

function refusal(raw: unknown, label?: string): string {
  const result = validateEvent(raw, { label, now: NOW });
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(raw).slice(0, 200)}`);
  return result.error;
}

function accepted(raw: unknown): Record<string, unknown> {
  const result = validateEvent(raw, { now: NOW });
  if (!result.ok) throw new Error(result.error);
  return result.event;
}

/** An event whose JSON is exactly `bytes` long. */
function eventOfSize(bytes: number): Record<string, unknown> {
  const base = { type: 'track', userId: 'u1', event: 'X', properties: { blob: '' } };
  const blob = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(base)));
  return { ...base, properties: { blob } };
}

describe('validateEvent', () => {
  test.each(TYPES)('the %s fixture is accepted unchanged except receivedAt', (type) => {
    const raw = fixture(`${type}.json`);
    expect(accepted(raw)).toEqual({ ...raw, receivedAt: NOW.toISOString() });
  });

  test.each(TYPES)('the built-in %s sample is a valid event of its type', (type) => {
    const event = accepted(sampleEvent(type));
    expect(event.type).toBe(type);
    expect(sampleEvent(type)).not.toBe(sampleEvent(type));
  });

  test('assigns a messageId when missing and keeps a given one', () => {
    expect(accepted({ type: 'track', userId: 'u', event: 'X' }).messageId).toMatch(/^ingest-\d{13}-[0-9a-f-]{36}$/);
    expect(accepted({ type: 'track', userId: 'u', event: 'X', messageId: 'm-1' }).messageId).toBe('m-1');
  });

  test('receivedAt is always set by ingest, whatever the client sent', () => {
    expect(accepted({ type: 'identify', userId: 'u', receivedAt: 'client' }).receivedAt).toBe(NOW.toISOString());
  });

  test('numeric ids become strings; null and empty ids are removed', () => {
    const event = accepted({ type: 'group', userId: 42, anonymousId: null, groupId: 7 });
    expect(event).toMatchObject({ userId: '42', groupId: '7' });
    expect('anonymousId' in event).toBe(false);
    expect('userId' in accepted({ type: 'track', userId: '', anonymousId: 'a', event: 'X' })).toBe(false);
  });

  test('unknown fields pass through; a writeKey in the event is removed', () => {
    const event = accepted({ type: 'track', userId: 'u', event: 'X', custom: { a: 1 }, writeKey: 'wk_secret' });
    expect(event.custom).toEqual({ a: 1 });
    expect(JSON.stringify(event)).not.toContain('wk_secret');
  });

  test.each([
    [{ userId: 'u1' }, '"type" is required'],
    [{ type: 'purchase', userId: 'u1' }, '"type" must be one of track, identify, page, screen, group, alias, delete (got "purchase")'],
    [{ type: 'track', userId: 'u1' }, '"event" is required for a track event'],
    [{ type: 'track', userId: 'u1', event: '' }, '"event" must not be empty'],
    [{ type: 'track', userId: 'u1', event: 5 }, '"event" must be a string'],
    [{ type: 'track', event: 'X' }, '"userId" or "anonymousId" is required for a track event'],
    [{ type: 'identify', userId: { id: 1 } }, '"userId" must be a string'],
    [{ type: 'identify', userId: 'u', traits: [1] }, '"traits" must be an object'],
    [{ type: 'track', userId: 'u', event: 'X', properties: 'oops' }, '"properties" must be an object'],
    [{ type: 'track', userId: 'u', event: 'X', context: null }, '"context" must be an object'],
    [{ type: 'track', userId: 'u', event: 'X', integrations: 1 }, '"integrations" must be an object'],
    [{ type: 'track', userId: 'u', event: 'X', timestamp: 'yesterday-ish' }, '"timestamp" must be an ISO-8601 date string'],
    [{ type: 'track', userId: 'u', event: 'X', sentAt: 1732000000 }, '"sentAt" must be an ISO-8601 date string'],
    [{ type: 'track', userId: 'u', event: 'X', timestamp: '2026-13-45T99:00:00Z' }, '"timestamp" must be an ISO-8601 date string'],
    [{ type: 'track', userId: 'u', event: 'X', timestamp: '2026-02-30' }, '"timestamp" must be an ISO-8601 date string'],
    [{ type: 'track', userId: 'u', event: 'X', timestamp: '2025-02-29T10:00:00Z' }, '"timestamp" must be an ISO-8601 date string'],
    [{ type: 'track', userId: 'u', event: 'X', originalTimestamp: '2026-04-31T10:00:00.000Z' }, '"originalTimestamp" must be an ISO-8601 date string'],
    [{ type: 'track', userId: 'u', event: 'X', timestamp: '2026-11-21T24:00:00Z' }, '"timestamp" must be an ISO-8601 date string'],
    [{ type: 'track', userId: 'u', event: 'X', messageId: 'm'.repeat(101) }, '"messageId" must be at most 100 characters'],
    [{ type: 'track', userId: 'u', event: 'X', messageId: '' }, '"messageId" must not be empty'],
    [{ type: 'page', userId: 'u', name: 5 }, '"name" must be a string'],
    [{ type: 'group', userId: 'u' }, '"groupId" is required for a group event'],
    [{ type: 'alias', userId: 'u' }, '"previousId" is required for an alias event'],
    [{ type: 'alias', userId: 'u', previousId: ['x'] }, '"previousId" must be a string'],
    ['a string', 'an event must be a JSON object'],
    [[{ type: 'track' }], 'an event must be a JSON object'],
  ])('refuses %j: %s', (raw, message) => {
    expect(refusal(raw)).toBe(message);
  });

  test('real calendar dates pass, leap days included', () => {
    for (const timestamp of ['2024-02-29T23:59:59.999Z', '2026-12-31', '2026-01-31T00:00:00+01:00', '2026-11-21 09:00']) {
      expect(accepted({ type: 'track', userId: 'u', event: 'X', timestamp }).timestamp).toBe(timestamp);
    }
  });

  test('delete needs no userId; every other type needs userId or anonymousId', () => {
    expect(accepted({ type: 'delete' }).type).toBe('delete');
    for (const type of TYPES.filter((t) => t !== 'delete')) {
      expect(refusal({ ...sampleEvent(type), userId: undefined, anonymousId: undefined })).toMatch(/"userId" or "anonymousId" is required/);
    }
  });

  test('errors name the batch index when labelled', () => {
    expect(refusal({ type: 'track', userId: 'u1' }, 'batch[3]')).toBe('batch[3]: "event" is required for a track event');
  });

  test(`an event of exactly ${MAX_EVENT_BYTES} bytes passes; one byte more is refused as too large`, () => {
    expect(accepted(eventOfSize(MAX_EVENT_BYTES)).type).toBe('track');
    const result = validateEvent(eventOfSize(MAX_EVENT_BYTES + 1));
    expect(result).toEqual({ ok: false, tooLarge: true, error: `the event is ${MAX_EVENT_BYTES + 1} bytes; the limit is ${MAX_EVENT_BYTES} bytes (32 KB)` });
  });

  test('the size counts UTF-8 bytes, not characters', () => {
    const base = eventOfSize(MAX_EVENT_BYTES);
    const blob = (base.properties as { blob: string }).blob;
    const multiByte = { ...base, properties: { blob: `é${blob.slice(2)}` } }; // 'é' is 2 bytes: same size
    expect(validateEvent(multiByte).ok).toBe(true);
    const over = { ...base, properties: { blob: `é${blob.slice(1)}` } };
    expect(validateEvent(over)).toMatchObject({ ok: false, tooLarge: true });
  });

  test('refuses __proto__ and constructor.prototype keys anywhere, naming the path', () => {
    const proto = JSON.parse('{"type":"track","userId":"u1","event":"X","properties":{"a":[{"__proto__":{"polluted":true}}]}}');
    expect(refusal(proto)).toBe('key "properties.a[0].__proto__" is not allowed (prototype pollution)');
    const ctor = { type: 'track', userId: 'u1', event: 'X', traits: { constructor: { prototype: { polluted: true } } } };
    expect(refusal(ctor)).toBe('key "traits.constructor.prototype" is not allowed (prototype pollution)');
    expect(accepted({ type: 'track', userId: 'u1', event: 'X', properties: { constructor: 'Acme', prototype: 1 } }).type).toBe('track');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test(`refuses nesting deeper than ${MAX_EVENT_DEPTH} levels (the event itself is level 1) without overflowing the stack`, () => {
    const nest = (depth: number) => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = { n: value };
      return value;
    };
    expect(accepted({ type: 'track', userId: 'u', event: 'X', properties: nest(MAX_EVENT_DEPTH - 1) }).type).toBe('track');
    expect(refusal({ type: 'track', userId: 'u', event: 'X', properties: nest(MAX_EVENT_DEPTH) })).toMatch(/nested deeper than 64 levels/);
    expect(refusal(JSON.parse(`${'['.repeat(100000)}${']'.repeat(100000)}`))).toBe('an event must be a JSON object');
    expect(refusal({ type: 'track', properties: JSON.parse(`${'['.repeat(100000)}${']'.repeat(100000)}`) })).toMatch(/nested deeper/);
  });
});

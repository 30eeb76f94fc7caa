/**
 * The ingest's fast path (runtime/events/certainly-valid.ts) against the zod schemas it stands in for: on the
 * same inputs, it never accepts what a schema refuses, and what it accepts the schema takes with every field as
 * is (so validateEvent returns the same event either way, and every error still comes from the schema).
 */
import { certainlyValid } from '../../runtime/events/certainly-valid';
import { eventSchemaFor, eventTypeSchema } from '../../runtime/events/event-schema';
import { MAX_MESSAGE_ID_LENGTH } from '../../runtime/events/limits';
import { sampleEvent } from '../../runtime/events/samples';
import type { EventType } from '../../runtime/events/types';
import { validateEvent } from '../../runtime/events/validate';
import { fixture, TYPES } from './support';

const FIELDS = [
  'messageId', 'userId', 'anonymousId', 'groupId', 'previousId', 'timestamp', 'sentAt', 'originalTimestamp',
  'context', 'integrations', 'event', 'properties', 'traits', 'name', 'category',
];

const VALUES: unknown[] = [
  undefined, null, '', 'x', 'u-1', 0, 42, -1.5, Number.NaN, true, false, [], ['a'], {}, { a: 1 },
  '2026-11-21T09:00:00.000Z', '2026-11-21', '2026-02-30T00:00:00Z', '2026-11-21T24:00:00Z', 'yesterday',
  'm'.repeat(MAX_MESSAGE_ID_LENGTH), 'm'.repeat(MAX_MESSAGE_ID_LENGTH + 1),
];

/** Every type's sample and fixture, with each field in turn removed or set to each value. */
function* variants(): Generator<[EventType, Record<string, unknown>]> {
  for (const type of TYPES) {
    for (const base of [sampleEvent(type) as Record<string, unknown>, fixture(`${type}.json`)]) {
      yield [type, base];
      for (const field of FIELDS) {
        for (const value of VALUES) {
          const event = { ...base };
          if (value === undefined) delete event[field];
          else event[field] = value;
          yield [type, event];
        }
      }
    }
  }
}

test('what the fast check accepts, the schema accepts with every field unchanged; everything else goes to the schema', () => {
  let fast = 0;
  let slow = 0;
  for (const [type, event] of variants()) {
    const parsed = eventSchemaFor(type).safeParse(event);
    if (!certainlyValid(event, type)) { slow++; continue; }
    fast++;
    expect(parsed.success).toBe(true);
    const data = parsed.data as Record<string, unknown>;
    for (const key of new Set([...Object.keys(data), ...Object.keys(event)])) expect([key, data[key]]).toEqual([key, event[key]]);
  }
  // Neither path is left untested: most variants of valid events take the fast path, the broken ones the schema.
  expect(fast).toBeGreaterThan(1000);
  expect(slow).toBeGreaterThan(1000);
});

test('validateEvent gives the same answer as the schema alone would, on every variant', () => {
  const now = new Date('2026-11-21T09:00:00.000Z');
  for (const [type, event] of variants()) {
    const result = validateEvent({ ...event, type }, { now });
    const parsed = eventSchemaFor(type).safeParse({ ...event, type });
    expect(result.ok).toBe(parsed.success && (type === 'delete' || (parsed.data as Record<string, unknown>).userId !== undefined
      || (parsed.data as Record<string, unknown>).anonymousId !== undefined));
    if (result.ok && parsed.success) {
      const data = parsed.data as Record<string, unknown>;
      for (const id of ['userId', 'anonymousId', 'groupId', 'previousId']) expect([id, result.event[id]]).toEqual([id, data[id]]);
    }
  }
});

test('the type check without zod answers as the enum does, with its message', () => {
  for (const type of [...TYPES, 'Track', 'unknown', '', 3, null, undefined]) {
    const result = validateEvent({ ...sampleEvent('track'), type });
    const byEnum = eventTypeSchema.safeParse(type);
    if (byEnum.success) expect(result.ok || !result.error.includes('"type"')).toBe(true);
    else expect(result).toMatchObject({ ok: false, error: byEnum.error.issues[0].message });
  }
});

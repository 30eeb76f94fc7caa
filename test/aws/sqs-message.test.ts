/** The SQS message body codec shared by the ingest Lambda, the destination Lambda and the bench. */
import { decodeMessage, encodeEvent, MAX_EVENTS_PER_MESSAGE, MAX_MESSAGE_BYTES, packEvents } from '../../runtime/aws/sqs-message';
import type { SegmentEvent } from '../../runtime/events/types';

const event = (i: number, padding = 0): SegmentEvent =>
  ({ type: 'track', event: 'Order Completed', userId: 'u1', messageId: `m${i}`, properties: { pad: 'x'.repeat(padding) } }) as SegmentEvent;
let ids = 0;
const packId = () => `pack-${String(++ids).padStart(11, '0')}`; // 16 characters, as the real ids

describe('packEvents', () => {
  it('puts an analytics-node batch of 15 events of ~1 KB in one message, every event read back in order', () => {
    const events = Array.from({ length: 15 }, (_, i) => event(i, 900));
    const messages = packEvents(events.map(encodeEvent), packId);
    expect(messages).toHaveLength(1);
    expect(messages[0].messageIds).toEqual(events.map((e) => e.messageId));
    const decoded = decodeMessage(messages[0].body);
    expect(decoded?.pack).toMatch(/^pack-/);
    expect(decoded?.events).toEqual(events);
  });

  it('starts a new message at MAX_EVENTS_PER_MESSAGE events or before MAX_MESSAGE_BYTES, each with its own pack id', () => {
    const small = packEvents(Array.from({ length: 40 }, (_, i) => encodeEvent(event(i))), packId);
    expect(small.map((m) => m.messageIds.length)).toEqual([MAX_EVENTS_PER_MESSAGE, MAX_EVENTS_PER_MESSAGE, 40 - 2 * MAX_EVENTS_PER_MESSAGE]);
    expect(new Set(small.map((m) => decodeMessage(m.body)?.pack)).size).toBe(3);

    // 8 events of ~20 KB (multi-byte characters count as bytes): 3 per message.
    const big = Array.from({ length: 8 }, (_, i) => ({ ...event(i), properties: { text: 'é'.repeat(10_000) } }) as SegmentEvent);
    const packed = packEvents(big.map(encodeEvent), packId);
    expect(packed.map((m) => m.messageIds.length)).toEqual([3, 3, 2]);
    for (const m of packed) expect(Buffer.byteLength(m.body, 'utf8')).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(packed.flatMap((m) => decodeMessage(m.body)!.events)).toEqual(big);
  });

  it('fills a message up to exactly MAX_MESSAGE_BYTES and no further', () => {
    const probe = packEvents([encodeEvent(event(0))], packId)[0].body;
    const perEvent = Buffer.byteLength(encodeEvent(event(0)).json) + 1;
    const envelope = Buffer.byteLength(probe) - perEvent + 1;
    // Two events whose bodies add up to the limit exactly, then one byte more.
    const half = (MAX_MESSAGE_BYTES - envelope - 1) / 2;
    const sized = (i: number, bytes: number) => event(i, bytes - Buffer.byteLength(encodeEvent(event(i)).json));
    const exact = packEvents([sized(1, Math.floor(half)), sized(2, Math.ceil(half))].map(encodeEvent), packId);
    expect(exact).toHaveLength(1);
    expect(Buffer.byteLength(exact[0].body)).toBe(MAX_MESSAGE_BYTES);
    expect(packEvents([sized(1, Math.floor(half)), sized(2, Math.ceil(half) + 1)].map(encodeEvent), packId)).toHaveLength(2);
  });

  it('escapes the two characters SQS refuses (same JSON value)', () => {
    const odd = { type: 'track', event: 'odd \uFFFF \uFFFE name', userId: 'u', messageId: 'm1' } as SegmentEvent;
    const [message] = packEvents([encodeEvent(odd)], packId);
    expect(message.body).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(decodeMessage(message.body)?.events).toEqual([odd]);
  });
});

describe('decodeMessage', () => {
  it('reads a message written before packing (one bare event) as a message without pack id', () => {
    expect(decodeMessage(JSON.stringify(event(1)))).toEqual({ pack: null, events: [event(1)] });
  });

  it('refuses what is neither; an entry of a pack that is not an event is null, the others are kept', () => {
    expect(decodeMessage('not json')).toBeNull();
    expect(decodeMessage('[1,2]')).toBeNull();
    expect(decodeMessage(JSON.stringify({ type: 'track' }))).toBeNull();
    expect(decodeMessage(JSON.stringify({ pack: 'p', events: [event(1), { type: 'track' }, 'x'] }))).toEqual({ pack: 'p', events: [event(1), null, null] });
  });
});

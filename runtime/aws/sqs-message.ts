/**
 * The body of a message in a function's SQS queue, written by the ingest Lambda and read by the destination
 * Lambda: the events of one ingest request for one function, packed into as few messages as fit
 * (`{"pack":"<id>","events":[…]}`, at most MAX_MESSAGE_BYTES and MAX_EVENTS_PER_MESSAGE events each).
 * SQS bills every 64 KB of a request's payload as one request, so a bigger message would save nothing; the event
 * cap bounds the events one invocation handles (lib/function-timing.ts). The pack id tells the destination Lambda
 * which of a message's events it already settled when the message comes back (a sibling retried, a DLQ replay).
 * A message from before packing holds one bare event (pack null); both shapes are read.
 */
import { randomBytes } from 'node:crypto';
import type { SegmentEvent } from '../events/types';
import { isPlainObject } from '../events/plain-object';

export const MAX_MESSAGE_BYTES = 64 * 1024;
/** analytics-node sends batches of 15 (analytics.js 10): one message each. */
export const MAX_EVENTS_PER_MESSAGE = 16;

export interface EncodedEvent { messageId: string; json: string }
export interface OutgoingMessage { messageIds: string[]; body: string }

export interface MessageContent {
  /** Null for a bare event (a message written before packing). */
  pack: string | null;
  /** Null for an entry that is not a Segment event (JSON with type and messageId). */
  events: Array<SegmentEvent | null>;
}

/**
 * The event as JSON, once per event whatever the number of functions it goes to. SQS refuses U+FFFE and U+FFFF,
 * which JSON.stringify leaves as is (only inside strings): their \u escapes are the same JSON value.
 */
export function encodeEvent(event: SegmentEvent): EncodedEvent {
  const json = JSON.stringify(event).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return { messageId: event.messageId, json };
}

/** Events in order, into messages of at most MAX_EVENTS_PER_MESSAGE events and MAX_MESSAGE_BYTES (an event alone may pass it). */
export function packEvents(events: readonly EncodedEvent[], newPackId: () => string = randomPackId): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  let current: EncodedEvent[] = [];
  let bytes = 0;
  const close = () => {
    if (current.length === 0) return;
    messages.push({ messageIds: current.map((e) => e.messageId), body: packBody(newPackId(), current.map((e) => e.json)) });
    current = [];
  };
  for (const event of events) {
    const size = Buffer.byteLength(event.json, 'utf8');
    // After the first event, each one adds a comma.
    if (current.length === MAX_EVENTS_PER_MESSAGE || (current.length > 0 && bytes + 1 + size > MAX_MESSAGE_BYTES)) close();
    bytes = current.length === 0 ? envelopeBytes() + size : bytes + 1 + size;
    current.push(event);
  }
  close();
  return messages;
}

export function decodeMessage(body: string): MessageContent | null {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isPlainObject(value)) return null;
  if (typeof value.pack === 'string' && Array.isArray(value.events)) {
    return { pack: value.pack, events: value.events.map((e: unknown) => (isEvent(e) ? e : null)) };
  }
  return isEvent(value) ? { pack: null, events: [value] } : null;
}

function packBody(pack: string, jsons: string[]): string {
  return `{"pack":${JSON.stringify(pack)},"events":[${jsons.join(',')}]}`;
}

/** The bytes of a pack's body around its events (an id of PACK_ID_CHARS). */
function envelopeBytes(): number {
  return packBody('x'.repeat(PACK_ID_CHARS), []).length;
}

const PACK_ID_CHARS = 16;

function randomPackId(): string {
  return randomBytes(12).toString('base64url');
}

function isEvent(value: unknown): value is SegmentEvent {
  return isPlainObject(value) && typeof value.type === 'string' && typeof value.messageId === 'string' && value.messageId !== '';
}

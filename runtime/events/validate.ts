/**
 * Validation of one incoming Segment event: the single implementation used by the ingest API
 * (local and AWS) and by `destfn run`. Returns a normalized copy (ids as strings, messageId
 * assigned when missing, receivedAt set, any `writeKey` removed) or an error naming the field.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { EVENT_TYPES, type EventType, type SegmentEvent } from './types';
import { eventArticle, eventSchemaFor, eventTypeSchema } from './event-schema';
import { findStructureProblem } from './unsafe-keys';
import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH } from './limits';
import { isPlainObject } from './plain-object';
import { certainlyValid } from './certainly-valid';

export interface ValidateEventOptions {
  /** Prefix of error messages, e.g. `batch[3]`. */
  label?: string;
  /** receivedAt; default now. */
  now?: Date;
  /**
   * An upper bound of the event's JSON size known to the caller (see jsonSizeBound); when it is within
   * the limit, the event is not serialized just to be measured.
   */
  maxBytes?: number;
}

export type EventValidation =
  | { ok: true; event: SegmentEvent }
  | { ok: false; error: string; /** the event is over MAX_EVENT_BYTES (HTTP 413 rather than 400) */ tooLarge: boolean };

const ID_FIELDS = ['userId', 'anonymousId', 'groupId', 'previousId'] as const;

/**
 * The messageId of an event sent without one: time first, as analytics.js and analytics-node make theirs, so
 * records keyed by it are appended in order; a bare UUID puts each on a random page (bench/queue-cycle.ts: 1.7 ×
 * the local engine's queue work per event).
 */
export function newMessageId(now = Date.now()): string {
  return `ingest-${now}-${randomUUID()}`;
}

/**
 * An upper bound of the JSON size of any event parsed out of a request body of `bodyBytes`, with the
 * batch's shared fields merged in and `type` added. Re-serializing parsed JSON never grows it by more
 * than 5.25× (a number written `9e20` comes back as 21 digits); everything else only shrinks.
 */
export function jsonSizeBound(bodyBytes: number): number {
  return bodyBytes * 6 + 64;
}

export function validateEvent(raw: unknown, options: ValidateEventOptions = {}): EventValidation {
  const fail = (error: string, tooLarge = false): EventValidation =>
    ({ ok: false, error: options.label ? `${options.label}: ${error}` : error, tooLarge });

  if (!isPlainObject(raw)) return fail('an event must be a JSON object');
  const problem = findStructureProblem(raw, MAX_EVENT_DEPTH);
  if (problem?.kind === 'unsafe-key') return fail(`key "${problem.path}" is not allowed (prototype pollution)`);
  if (problem?.kind === 'too-deep') return fail(`"${problem.path}" is nested deeper than ${MAX_EVENT_DEPTH} levels`);

  const bytes = options.maxBytes !== undefined && options.maxBytes <= MAX_EVENT_BYTES
    ? 0
    : Buffer.byteLength(JSON.stringify(raw), 'utf8');
  if (bytes > MAX_EVENT_BYTES) return fail(`the event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES} bytes (32 KB)`, true);

  const type = typeof raw.type === 'string' && EVENT_TYPE_SET.has(raw.type) ? { success: true as const, data: raw.type as EventType } : eventTypeSchema.safeParse(raw.type);
  if (!type.success) return fail(firstMessage(type.error));
  let data: Record<string, unknown> = raw;
  if (!certainlyValid(raw, type.data)) {
    const parsed = eventSchemaFor(type.data).safeParse(raw);
    if (!parsed.success) return fail(firstMessage(parsed.error));
    data = parsed.data as Record<string, unknown>;
  }

  if (type.data !== 'delete' && data.userId === undefined && data.anonymousId === undefined) {
    return fail(`"userId" or "anonymousId" is required for ${eventArticle(type.data)} event`);
  }
  return { ok: true, event: normalize(raw, data, type.data, options.now ?? new Date()) };
}

const EVENT_TYPE_SET = new Set<unknown>(EVENT_TYPES);

function normalize(raw: Record<string, unknown>, data: Record<string, unknown>, type: EventType, now: Date): SegmentEvent {
  const event: Record<string, unknown> = { ...raw };
  // `delete` only where there is something to delete: deleting turns the copy into a slower dictionary-mode object.
  for (const field of ID_FIELDS) {
    if (data[field] !== undefined) event[field] = data[field];
    else if (field in event) delete event[field];
  }
  if ('writeKey' in event) delete event.writeKey; // a credential: never handed to functions, records or logs
  event.type = type;
  event.messageId = typeof raw.messageId === 'string' ? raw.messageId : newMessageId(now.getTime());
  event.receivedAt = isoString(now);
  return event as SegmentEvent;
}

/** The events of one request share their `now`: its ISO form is made once. */
let lastTime = Number.NaN;
let lastIso = '';
function isoString(date: Date): string {
  const time = date.getTime();
  if (time !== lastTime) {
    lastIso = date.toISOString();
    lastTime = time;
  }
  return lastIso;
}

function firstMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid event';
  // Our schemas put the field name in every message; fall back to the path for anything else.
  return issue.message.includes('"') ? issue.message : `"${issue.path.join('.') || 'event'}": ${issue.message}`;
}

/** The Segment event carried by an SQS message body (written by the ingest Lambda, or replayed from the DLQ). */
import type { SQSRecord } from 'aws-lambda';
import type { SegmentEvent } from '../events/types';
import { isPlainObject } from '../events/plain-object';

// The handler reads the event twice per record (its messageId to serialize copies, then the processor): parse once.
const parsed = new WeakMap<SQSRecord, SegmentEvent | null>();

export function eventOf(record: SQSRecord): SegmentEvent | null {
  if (parsed.has(record)) return parsed.get(record)!;
  const event = parseEvent(record);
  parsed.set(record, event);
  return event;
}

function parseEvent(record: SQSRecord): SegmentEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(record.body);
  } catch {
    return null;
  }
  if (!isPlainObject(value) || typeof value.type !== 'string' || typeof value.messageId !== 'string' || value.messageId === '') return null;
  return value as SegmentEvent;
}

/** Deliveries made so far including this one: SQS's receive count (the DLQ redrive counts the same way). */
export function attemptOf(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/** When the message entered the queue (ISO), else `fallback`. */
export function sentAtOf(record: SQSRecord, fallback: Date): string {
  const ms = Number(record.attributes?.SentTimestamp);
  return new Date(Number.isFinite(ms) && ms > 0 ? ms : fallback.getTime()).toISOString();
}

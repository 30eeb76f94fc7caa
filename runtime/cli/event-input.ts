/** `--event <file.json | type>`: a built-in sample of that type, or an event file validated like ingest does. */
import { existsSync, readFileSync } from 'node:fs';
import { sampleEvent } from '../events/samples';
import { EVENT_TYPES, type EventType, type SegmentEvent } from '../events/types';
import { validateEvent } from '../events/validate';
import { jsonErrorReason } from '../settings/json-file';

export class EventInputError extends Error {
  constructor(message: string) { super(message); this.name = 'EventInputError'; }
}

export function readEventInput(arg: string): SegmentEvent {
  if ((EVENT_TYPES as readonly string[]).includes(arg) && !existsSync(arg)) return sampleEvent(arg as EventType);
  if (!existsSync(arg)) {
    throw new EventInputError(`event file "${arg}" not found (or use a sample: --event ${EVENT_TYPES.join('|')})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(arg, 'utf8'));
  } catch (err) {
    throw new EventInputError(`event file "${arg}" is not valid JSON: ${jsonErrorReason(err)}`);
  }
  if (isBatchBody(raw)) {
    throw new EventInputError(`event file "${arg}" is a batch ({"batch": [...]}): run takes one event; put one of its entries in a file of its own`);
  }
  const result = validateEvent(raw);
  if (!result.ok) throw new EventInputError(`event file "${arg}": ${result.error}`);
  return result.event;
}

/** A `/v1/batch` body rather than an event: an object with a `batch` array and no `type`. */
function isBatchBody(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && !('type' in raw) && Array.isArray((raw as { batch?: unknown }).batch);
}

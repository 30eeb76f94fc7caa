/** `--event <file.json | type>`: a built-in sample of that type, or an event file (one event or a batch) validated like ingest does. */
import { existsSync, readFileSync } from 'node:fs';
import { batchEntries } from '../events/batch-entries';
import { sampleEvent } from '../events/samples';
import { EVENT_TYPES, type EventType, type SegmentEvent } from '../events/types';
import { validateEvent } from '../events/validate';
import { jsonErrorReason } from '../settings/json-file';

export class EventInputError extends Error {
  constructor(message: string) { super(message); this.name = 'EventInputError'; }
}

/**
 * One event, or several: a JSON array of events (what Segment's editor takes to test a batch handler) or a
 * `/v1/batch` body (`{"batch": [...]}`), each entry validated like ingest does.
 */
export function readEventInput(arg: string): SegmentEvent | SegmentEvent[] {
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
  const batch = batchEntries(raw);
  if (batch === null) return validated(raw, `event file "${arg}"`);
  if (batch.length === 0) throw new EventInputError(`event file "${arg}" holds an empty batch: give it one event or more`);
  return batch.map((entry, i) => validated(entry, `event file "${arg}", event ${i}`));
}

function validated(raw: unknown, where: string): SegmentEvent {
  const result = validateEvent(raw);
  if (!result.ok) throw new EventInputError(`${where}: ${result.error}`);
  return result.event;
}

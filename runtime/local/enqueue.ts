/**
 * Commit one ingest request: every event for every subscribed function, plus a 'filtered' record
 * for each function whose filter did not match, in ONE transaction. The HTTP answer waits for it.
 */
import { eventName } from '../events/event-name';
import type { SegmentEvent } from '../events/types';
import type { Db } from './db';
import type { NewMessage, Queue } from './queue';
import type { RecordStore } from './records';

export interface Routed { deliver: string[]; filtered: string[] }
export type Route = (event: SegmentEvent, source: string) => Routed;

export interface Enqueued { queued: number; filtered: number; functions: Set<string> }

/** Where each event goes, or null when no function subscribes to any of them (nothing to store). */
export function routeAll(events: readonly SegmentEvent[], source: string, route: Route): Routed[] | null {
  let any = false;
  const routed = events.map((event) => {
    const r = route(event, source);
    if (r.deliver.length > 0 || r.filtered.length > 0) any = true;
    return r;
  });
  return any ? routed : null;
}

export function createEnqueuer(db: Db, queue: Queue, records: RecordStore) {
  return db.transaction((events: readonly SegmentEvent[], routed: readonly Routed[], now: number): Enqueued => {
    const out: Enqueued = { queued: 0, filtered: 0, functions: new Set() };
    const messages: NewMessage[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const { deliver, filtered } = routed[i];
      const name = eventName(event);
      if (deliver.length > 0) {
        const json = JSON.stringify(event);
        for (const fn of deliver) {
          messages.push({ fn, messageId: event.messageId, event: json, eventType: event.type, eventName: name });
          out.functions.add(fn);
        }
      }
      for (const fn of filtered) {
        records.writeFiltered({ fn, messageId: event.messageId, eventType: event.type, eventName: name }, now);
        out.filtered++;
      }
    }
    queue.insertMessages(messages, now);
    out.queued = messages.length;
    return out;
  });
}

export type Enqueuer = ReturnType<typeof createEnqueuer>;

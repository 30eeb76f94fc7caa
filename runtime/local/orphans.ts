/**
 * Events queued for a function that no longer exists (its folder deleted) would wait, "retrying", forever and
 * unseen. At engine start and when hot reload removes a function, they go to the DLQ with a reason and a
 * `failed` delivery record saying so: `destfn deliveries <fn>` lists them, `destfn replay <fn>` brings them
 * back once the function exists again.
 */
import type { DeliveryRecord } from '../delivery';
import type { Db } from './db';
import type { Queue } from './queue';
import type { RecordStore } from './records';

type Orphan = { id: number; fn: string; messageId: string; eventType: string; eventName: string | null; attempts: number; enqueuedAt: number };

/** Dead-letter every queued message of a function not in `names`. Call inside a transaction. Returns how many, per function. */
export function deadLetterOrphans(db: Db, queue: Queue, records: RecordStore, names: readonly string[], now: number): Record<string, number> {
  const orphans = db.prepare(
    `SELECT id, function AS fn, message_id AS messageId, event_type AS eventType, event_name AS eventName, attempts, enqueued_at AS enqueuedAt
     FROM messages WHERE function NOT IN (SELECT value FROM json_each(?)) ORDER BY id`,
  ).all(JSON.stringify(names)) as Orphan[];
  const moved: Record<string, number> = {};
  for (const o of orphans) {
    const error = { name: 'FunctionDeleted', message: `function "${o.fn}" no longer exists: moved to its DLQ (\`destfn replay ${o.fn}\` once it is back)` };
    queue.deadLetter(o.id, o.attempts, JSON.stringify(error), now);
    const record: DeliveryRecord = {
      function: o.fn, messageId: o.messageId, status: 'failed', attempts: o.attempts, lastError: error, durationMs: null,
      eventType: o.eventType, eventName: o.eventName, result: null,
      firstSeenAt: new Date(o.enqueuedAt).toISOString(), updatedAt: new Date(now).toISOString(),
    };
    records.put(record);
    moved[o.fn] = (moved[o.fn] ?? 0) + 1;
  }
  return moved;
}

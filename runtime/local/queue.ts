/**
 * The per-function queues and DLQs (tables `messages` and `dlq`).
 *
 * A message is visible when `visible_at <= now`. Leasing one moves its `visible_at` to the lease
 * deadline (a visibility timeout, as in SQS) and counts an attempt; a message whose lease runs out
 * (the worker or the whole process died) simply becomes visible again. A retry is the same move
 * with the backoff delay instead of the lease deadline. All writes take batches of messages so a
 * whole request / worker round trip costs one transaction.
 */
import type { Db } from './db';

export interface NewMessage {
  fn: string;
  messageId: string;
  /** The event as JSON (serialized once at ingest, handed to the worker as is). */
  event: string;
  eventType: string;
  eventName: string | null;
}

export interface LeasedMessage {
  id: number;
  fn: string;
  messageId: string;
  event: string;
  eventType: string;
  eventName: string | null;
  /** Attempts including the one this lease starts (1-based). */
  attempts: number;
  enqueuedAt: number;
}

export interface LeaseResult {
  leased: LeasedMessage[];
  /** Already delivered by this function within the dedupe window: removed, not delivered again. */
  duplicates: LeasedMessage[];
}

export interface DlqEntry { id: number; fn: string; messageId: string; attempts: number; lastError: string | null; failedAt: number }

type Row = { id: number; message_id: string; event: string; event_type: string; event_name: string | null; attempts: number; enqueued_at: number };

/** How long a messageId the function already delivered is not delivered again. */
export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A message whose messageId is already in flight for the function waits this long. */
const BUSY_DEFER_MS = 1000;

export class Queue {
  private readonly insert;
  private readonly leaseRows;
  private readonly deliveredSince;
  private readonly remove;
  private readonly defer;
  private readonly later;
  private readonly toDlq;
  private readonly releaseOne;
  private readonly nextVisible;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      'INSERT INTO messages (function, message_id, event, event_type, event_name, attempts, visible_at, leased, enqueued_at) VALUES (?, ?, ?, ?, ?, 0, ?, 0, ?)',
    );
    this.leaseRows = db.prepare(
      `UPDATE messages SET visible_at = ?, leased = 1, attempts = attempts + 1
       WHERE id IN (SELECT id FROM messages WHERE function = ? AND visible_at <= ? ORDER BY visible_at LIMIT ?)
       RETURNING id, message_id, event, event_type, event_name, attempts, enqueued_at`,
    );
    this.deliveredSince = db.prepare(
      "SELECT 1 FROM deliveries WHERE function = ? AND message_id = ? AND status = 'delivered' AND updated_at > ?",
    ).pluck();
    this.remove = db.prepare('DELETE FROM messages WHERE id = ?');
    this.defer = db.prepare('UPDATE messages SET visible_at = ?, leased = 0, attempts = attempts - 1 WHERE id = ?');
    this.later = db.prepare('UPDATE messages SET visible_at = ?, leased = 0, last_error = ? WHERE id = ?');
    this.toDlq = db.prepare(
      `INSERT INTO dlq (function, message_id, event, event_type, event_name, attempts, last_error, enqueued_at, failed_at)
       SELECT function, message_id, event, event_type, event_name, attempts, ?, enqueued_at, ? FROM messages WHERE id = ?`,
    );
    this.releaseOne = db.prepare('UPDATE messages SET visible_at = ?, leased = 0, attempts = MAX(attempts - ?, 0) WHERE id = ? AND leased = 1');
    this.nextVisible = db.prepare('SELECT MIN(visible_at) FROM messages WHERE function = ?').pluck();
  }

  /** Insert messages; call inside a transaction (the ingest commits events and records together). */
  insertMessages(messages: readonly NewMessage[], now: number): void {
    for (const m of messages) this.insert.run(m.fn, m.messageId, m.event, m.eventType, m.eventName, now, now);
  }

  /**
   * Lease up to `max` visible messages of `fn` until `now + leaseMs`. Messages whose messageId is
   * `busy` (in flight for this function) or repeated within the lease are put back for a moment.
   */
  lease(fn: string, max: number, leaseMs: number, busy: (messageId: string) => boolean, now = Date.now()): LeaseResult {
    return this.db.transaction((): LeaseResult => {
      const rows = this.leaseRows.all(now + leaseMs, fn, now, max) as Row[];
      const leased: LeasedMessage[] = [];
      const duplicates: LeasedMessage[] = [];
      const seen = new Set<string>();
      for (const row of rows) {
        const message = toLeased(fn, row);
        if (this.deliveredSince.get(fn, message.messageId, now - DEDUPE_WINDOW_MS)) {
          this.remove.run(message.id);
          duplicates.push(message);
        } else if (seen.has(message.messageId) || busy(message.messageId)) {
          this.defer.run(now + BUSY_DEFER_MS, message.id);
        } else {
          seen.add(message.messageId);
          leased.push(message);
        }
      }
      return { leased, duplicates };
    })();
  }

  /** Done with a message (delivered or discarded). Call inside a transaction. */
  ack(id: number): void {
    this.remove.run(id);
  }

  /** Make a message visible again at `visibleAt`, remembering its last error. Call inside a transaction. */
  retryAt(id: number, visibleAt: number, lastError: string | null): void {
    this.later.run(visibleAt, lastError, id);
  }

  /** Move a message to the DLQ with its last error. Call inside a transaction. */
  deadLetter(id: number, lastError: string | null, now: number): void {
    this.toDlq.run(lastError, now, id);
    this.remove.run(id);
  }

  /**
   * Give leased messages back (graceful stop): visible at once. `undoAttempt` when they never
   * reached the handler.
   */
  release(ids: readonly number[], undoAttempt: boolean, now = Date.now()): void {
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (const id of ids) this.releaseOne.run(now, undoAttempt ? 1 : 0, id);
    })();
  }

  /**
   * On engine start every lease belongs to a previous process that is gone (the engine lock makes
   * sure of that): make those messages visible now rather than at their lease deadline.
   */
  releaseAllLeases(now = Date.now()): number {
    return this.db.prepare('UPDATE messages SET visible_at = ?, leased = 0 WHERE leased = 1').run(now).changes;
  }

  /** Earliest `visible_at` of `fn` (ms), or null when its queue is empty. */
  nextVisibleAt(fn: string): number | null {
    return (this.nextVisible.get(fn) as number | null) ?? null;
  }

  /** Move every DLQ message of `fn` back to its queue (attempts start again). Returns how many. */
  replay(fn: string, now = Date.now()): number {
    return this.db.transaction((): number => {
      const moved = this.db.prepare(
        `INSERT INTO messages (function, message_id, event, event_type, event_name, attempts, visible_at, leased, enqueued_at, last_error)
         SELECT function, message_id, event, event_type, event_name, 0, ?, 0, enqueued_at, last_error FROM dlq WHERE function = ? ORDER BY id`,
      ).run(now, fn).changes;
      this.db.prepare('DELETE FROM dlq WHERE function = ?').run(fn);
      return moved;
    })();
  }

  /** Messages waiting (or leased) per function. */
  depths(): Record<string, { queued: number; dlq: number }> {
    const out: Record<string, { queued: number; dlq: number }> = {};
    const get = (fn: string) => (out[fn] ??= { queued: 0, dlq: 0 });
    for (const r of this.db.prepare('SELECT function AS fn, COUNT(*) AS n FROM messages GROUP BY function').all() as { fn: string; n: number }[]) get(r.fn).queued = r.n;
    for (const r of this.db.prepare('SELECT function AS fn, COUNT(*) AS n FROM dlq GROUP BY function').all() as { fn: string; n: number }[]) get(r.fn).dlq = r.n;
    return out;
  }

  /** The DLQ of `fn`, oldest first. */
  dlq(fn: string, limit = 1000): DlqEntry[] {
    return (this.db.prepare(
      'SELECT id, function AS fn, message_id AS messageId, attempts, last_error AS lastError, failed_at AS failedAt FROM dlq WHERE function = ? ORDER BY id LIMIT ?',
    ).all(fn, limit) as DlqEntry[]);
  }
}

function toLeased(fn: string, row: Row): LeasedMessage {
  return {
    id: row.id,
    fn,
    messageId: row.message_id,
    event: row.event,
    eventType: row.event_type,
    eventName: row.event_name,
    attempts: row.attempts,
    enqueuedAt: row.enqueued_at,
  };
}

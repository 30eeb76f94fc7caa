/**
 * The per-function queues and DLQs (tables `messages` and `dlq`).
 *
 * A message is visible when `visible_at <= now`; a retry moves `visible_at` by the backoff delay.
 * Leases live in the engine's memory (Dispatcher), not in the table: writing a lease would rewrite
 * the whole row (event included) on every delivery, and a lease only ever matters to the process
 * holding it. When that process dies, its leases die with it and every message not yet acked is
 * visible again: the next engine delivers it (an expired lease, at restart). Attempts are counted
 * when an attempt's outcome is recorded. All writes take batches so a whole request / worker
 * round trip costs one transaction. A row's first lease takes it from memory when this engine
 * inserted it (fresh-rows.ts) instead of reading back what ingest has just written.
 */
import { DEDUPE_WINDOW_MS } from '../delivery';
import type { Db } from './db';
import { FreshRows, type FreshRow } from './fresh-rows';

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
  /** The attempt this lease starts (1-based). */
  attempts: number;
  enqueuedAt: number;
}

export interface LeaseResult {
  leased: LeasedMessage[];
  /** Already delivered by this function within the dedupe window: removed, not delivered again. */
  duplicates: LeasedMessage[];
}

export interface LeaseFilter {
  /** Queue ids this process already holds. */
  held(id: number): boolean;
  /** messageIds in flight for the function (a second copy waits). */
  busy(messageId: string): boolean;
}

export interface DlqEntry { id: number; fn: string; messageId: string; attempts: number; lastError: string | null; failedAt: number }

type Row = { id: number; message_id: string; event: string; event_type: string; event_name: string | null; attempts: number; enqueued_at: number };

/** A message whose messageId is already in flight for the function waits this long. */
const BUSY_DEFER_MS = 1000;

export class Queue {
  private readonly insert;
  private readonly visibleIds;
  private readonly row;
  private readonly deliveredSince;
  private readonly remove;
  private readonly defer;
  private readonly later;
  private readonly toDlq;
  private readonly nextVisible;
  /** Made once: better-sqlite3 builds a transaction's wrappers on each db.transaction() call. */
  private readonly leaseInTransaction;
  /** @param fresh rows inserted here and not leased yet (fresh-rows.ts). */
  constructor(private readonly db: Db, private readonly fresh = new FreshRows()) {
    this.insert = db.prepare(
      'INSERT INTO messages (function, message_id, event, event_type, event_name, attempts, visible_at, enqueued_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
    );
    // Ids only: answered from the index alone, so skipping the held ones costs next to nothing.
    this.visibleIds = db.prepare('SELECT id FROM messages WHERE function = ? AND visible_at <= ? ORDER BY visible_at LIMIT ?').pluck();
    this.row = db.prepare('SELECT id, message_id, event, event_type, event_name, attempts, enqueued_at FROM messages WHERE id = ?');
    this.deliveredSince = db.prepare(
      "SELECT 1 FROM deliveries WHERE function = ? AND message_id = ? AND status = 'delivered' AND updated_at > ?",
    ).pluck();
    this.remove = db.prepare('DELETE FROM messages WHERE id = ?');
    this.defer = db.prepare('UPDATE messages SET visible_at = ? WHERE id = ?');
    this.later = db.prepare('UPDATE messages SET visible_at = ?, attempts = ?, last_error = ? WHERE id = ?');
    this.toDlq = db.prepare(
      `INSERT INTO dlq (function, message_id, event, event_type, event_name, attempts, last_error, enqueued_at, failed_at)
       SELECT function, message_id, event, event_type, event_name, ?, ?, enqueued_at, ? FROM messages WHERE id = ?`,
    );
    this.nextVisible = db.prepare('SELECT MIN(visible_at) FROM messages WHERE function = ?').pluck();
    this.leaseInTransaction = db.transaction(this.leaseRows.bind(this));
  }

  /**
   * Insert messages; call inside a transaction (the ingest commits events and records together). When that
   * transaction does not commit, call `forgetInserted`.
   */
  insertMessages(messages: readonly NewMessage[], now: number): void {
    for (const m of messages) {
      const id = Number(this.insert.run(m.fn, m.messageId, m.event, m.eventType, m.eventName, now, now).lastInsertRowid);
      this.fresh.add(id, { messageId: m.messageId, event: m.event, eventType: m.eventType, eventName: m.eventName, enqueuedAt: now });
    }
  }

  /** The transaction that inserted messages rolled back: what this process remembers of them may be of no row. */
  forgetInserted(): void {
    this.fresh.clear();
  }

  /**
   * Up to `max` visible messages of `fn` not already held. A copy of a messageId in flight (or
   * repeated within this lease) is put back for a moment; one the function delivered within the
   * dedupe window is removed.
   */
  lease(fn: string, max: number, filter: LeaseFilter, heldCount: number, now = Date.now()): LeaseResult {
    return this.leaseInTransaction(fn, max, filter, heldCount, now);
  }

  private leaseRows(fn: string, max: number, filter: LeaseFilter, heldCount: number, now: number): LeaseResult {
    const ids = this.visibleIds.all(fn, now, max + heldCount) as number[];
    const leased: LeasedMessage[] = [];
    const duplicates: LeasedMessage[] = [];
    const seen = new Set<string>();
    for (const id of ids) {
      if (leased.length >= max) break;
      if (filter.held(id)) continue;
      const fresh = this.fresh.take(id);
      const message = fresh ? freshLeased(fn, id, fresh) : toLeased(fn, this.row.get(id) as Row);
      if (this.deliveredSince.get(fn, message.messageId, now - DEDUPE_WINDOW_MS)) {
        this.delete(id);
        duplicates.push(message);
      } else if (seen.has(message.messageId) || filter.busy(message.messageId)) {
        this.defer.run(now + BUSY_DEFER_MS, id);
      } else {
        seen.add(message.messageId);
        leased.push(message);
      }
    }
    return { leased, duplicates };
  }

  /** Done with a message (delivered or discarded). Call inside a transaction. */
  ack(id: number): void {
    this.delete(id);
  }

  private delete(id: number): void {
    this.fresh.drop(id);
    this.remove.run(id);
  }

  /** Visible again at `visibleAt`, after `attempts` attempts. Call inside a transaction. */
  retryAt(id: number, visibleAt: number, attempts: number, lastError: string | null): void {
    this.later.run(visibleAt, attempts, lastError, id);
  }

  /** Move a message to the DLQ with its attempts and last error. Call inside a transaction. */
  deadLetter(id: number, attempts: number, lastError: string | null, now: number): void {
    this.toDlq.run(attempts, lastError, now, id);
    this.delete(id);
  }

  /** Earliest `visible_at` of `fn` (ms), or null when its queue is empty. */
  nextVisibleAt(fn: string): number | null {
    return (this.nextVisible.get(fn) as number | null) ?? null;
  }

  /** Move every DLQ message of `fn` (or only those of `messageId`) back to its queue (attempts start again). Returns how many. */
  replay(fn: string, now = Date.now(), messageId?: string): number {
    const [which, args] = dlqSelection(fn, messageId);
    return this.db.transaction((): number => {
      const moved = this.db.prepare(
        `INSERT INTO messages (function, message_id, event, event_type, event_name, attempts, visible_at, enqueued_at, last_error)
         SELECT function, message_id, event, event_type, event_name, 0, ?, enqueued_at, last_error FROM dlq WHERE ${which} ORDER BY id`,
      ).run(now, ...args).changes;
      this.db.prepare(`DELETE FROM dlq WHERE ${which}`).run(...args);
      return moved;
    })();
  }

  /** Delete every DLQ message of `fn` (or only those of `messageId`). Returns how many. */
  discard(fn: string, messageId?: string): number {
    const [which, args] = dlqSelection(fn, messageId);
    return this.db.prepare(`DELETE FROM dlq WHERE ${which}`).run(...args).changes;
  }

  /** Messages waiting (visible, delayed or held) and dead-lettered, per function. */
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

function dlqSelection(fn: string, messageId: string | undefined): [string, string[]] {
  return messageId === undefined ? ['function = ?', [fn]] : ['function = ? AND message_id = ?', [fn, messageId]];
}

function freshLeased(fn: string, id: number, row: FreshRow): LeasedMessage {
  return { id, fn, messageId: row.messageId, event: row.event, eventType: row.eventType, eventName: row.eventName, attempts: 1, enqueuedAt: row.enqueuedAt };
}

function toLeased(fn: string, row: Row): LeasedMessage {
  return {
    id: row.id,
    fn,
    messageId: row.message_id,
    event: row.event,
    eventType: row.event_type,
    eventName: row.event_name,
    attempts: row.attempts + 1,
    enqueuedAt: row.enqueued_at,
  };
}

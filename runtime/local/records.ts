/** Delivery records and captured logs (tables `deliveries` and `logs`), written by the engine, read by the CLI and dev page. */
import { DEFAULT_LIST_LIMIT, type DeliveryRecord, type LogRecord, type DeliveryStatus, type OutcomeError, type DeliveryQuery, type DeliveryStore } from '../delivery';
import type { Db } from './db';

export interface FilteredWrite { fn: string; messageId: string; eventType: string; eventName: string | null }

type DeliveryRow = {
  function: string; message_id: string; status: DeliveryStatus; attempts: number; last_error: string | null;
  duration_ms: number | null; event_type: string; event_name: string | null; result: string | null;
  first_seen_at: number; updated_at: number;
};
type LogRow = { id: number; function: string; message_id: string; at: number; lines: string };

export interface StoredLog extends LogRecord { id: number }

export class RecordStore implements DeliveryStore {
  private readonly upsert;
  private readonly filtered;
  private readonly log;

  constructor(private readonly db: Db) {
    // A retry that finally succeeds keeps the error that made it wait: "delivered, 4 attempts, last error 503".
    this.upsert = db.prepare(
      `INSERT INTO deliveries (function, message_id, status, attempts, last_error, duration_ms, event_type, event_name, result, first_seen_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(function, message_id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
         last_error = COALESCE(excluded.last_error, deliveries.last_error), duration_ms = excluded.duration_ms,
         result = excluded.result, updated_at = excluded.updated_at`,
    );
    this.filtered = db.prepare(
      `INSERT INTO deliveries (function, message_id, status, attempts, last_error, duration_ms, event_type, event_name, result, first_seen_at, updated_at)
       VALUES (?, ?, 'filtered', 0, NULL, NULL, ?, ?, NULL, ?, ?) ON CONFLICT(function, message_id) DO NOTHING`,
    );
    this.log = db.prepare('INSERT INTO logs (function, message_id, at, lines) VALUES (?, ?, ?, ?)');
  }

  /** Call inside a transaction. Keeps the stored firstSeenAt, event type and name, and lastError when the new one is null. */
  put(r: DeliveryRecord): void {
    this.upsert.run(r.function, r.messageId, r.status, r.attempts, r.lastError ? JSON.stringify(r.lastError) : null,
      r.durationMs === null ? null : Math.round(r.durationMs), r.eventType, r.eventName, r.result,
      Date.parse(r.firstSeenAt), Date.parse(r.updatedAt));
  }

  /** A 'filtered' record, unless the function already has one for this messageId. Call inside a transaction. */
  writeFiltered(r: FilteredWrite, now: number): void {
    this.filtered.run(r.fn, r.messageId, r.eventType, r.eventName, now, now);
  }

  /** Call inside a transaction. */
  writeLogs(fn: string, messageId: string, lines: readonly string[], now: number): void {
    if (lines.length > 0) this.log.run(fn, messageId, now, JSON.stringify(lines));
  }

  /** Records of one function, most recently updated first. */
  deliveries(fn: string, query: DeliveryQuery = {}): DeliveryRecord[] {
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    const rows = query.status
      ? this.db.prepare('SELECT * FROM deliveries WHERE function = ? AND status = ? ORDER BY updated_at DESC LIMIT ?').all(fn, query.status, limit)
      : this.db.prepare('SELECT * FROM deliveries WHERE function = ? ORDER BY updated_at DESC LIMIT ?').all(fn, limit);
    return (rows as DeliveryRow[]).map(toRecord);
  }

  get(fn: string, messageId: string): DeliveryRecord | null {
    const row = this.db.prepare('SELECT * FROM deliveries WHERE function = ? AND message_id = ?').get(fn, messageId) as DeliveryRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** Records of the given functions, most recently updated first (dev page; one indexed query per function). */
  recentDeliveries(fns: readonly string[], limit: number): DeliveryRecord[] {
    const all = fns.flatMap((fn) => this.deliveries(fn, { limit }));
    return all.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0)).slice(0, limit);
  }

  /** Log entries of one function after `afterId`, oldest first (`logs --follow` polls with the last id). */
  logs(fn: string, afterId = 0, limit = 1000): StoredLog[] {
    const rows = this.db.prepare('SELECT * FROM logs WHERE function = ? AND id > ? ORDER BY id LIMIT ?').all(fn, afterId, limit) as LogRow[];
    return rows.map(toLog);
  }

  /** The last `limit` log entries of one function (or all), oldest first. */
  lastLogs(fn: string | null, limit: number): StoredLog[] {
    const rows = (fn === null
      ? this.db.prepare('SELECT * FROM logs ORDER BY id DESC LIMIT ?').all(limit)
      : this.db.prepare('SELECT * FROM logs WHERE function = ? ORDER BY id DESC LIMIT ?').all(fn, limit)) as LogRow[];
    return rows.reverse().map(toLog);
  }

  /** Forget records and logs not updated for `maxAgeMs` (the dedupe window needs only 24 h). */
  prune(maxAgeMs: number, now = Date.now()): void {
    const before = now - maxAgeMs;
    this.db.prepare('DELETE FROM deliveries WHERE updated_at < ?').run(before);
    this.db.prepare('DELETE FROM logs WHERE at < ?').run(before);
  }
}

function toRecord(r: DeliveryRow): DeliveryRecord {
  return {
    function: r.function,
    messageId: r.message_id,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error ? (JSON.parse(r.last_error) as OutcomeError) : null,
    durationMs: r.duration_ms,
    eventType: r.event_type,
    eventName: r.event_name,
    result: r.result,
    firstSeenAt: new Date(r.first_seen_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

function toLog(r: LogRow): StoredLog {
  return { id: r.id, function: r.function, messageId: r.message_id, at: new Date(r.at).toISOString(), lines: JSON.parse(r.lines) as string[] };
}

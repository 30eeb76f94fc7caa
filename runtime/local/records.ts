/**
 * Delivery records, captured logs and attempts (tables `deliveries`, `logs`, `attempts`, `minute_stats`), written by
 * the engine in the settle transaction, read by the CLI and the dev console.
 */
import { DEFAULT_LIST_LIMIT, type DeliveryRecord, type LogRecord, type DeliveryStatus, type OutcomeError, type DeliveryQuery, type DeliveryStore, type Outcome, type SettledStatus } from '../delivery';
import type Database from 'better-sqlite3';
import type { Db } from './db';

export interface FilteredWrite { fn: string; messageId: string; eventType: string; eventName: string | null }

/** One settled attempt of one event. */
export interface AttemptWrite { fn: string; messageId: string; attempt: number; status: SettledStatus; outcome: Outcome }

export const MINUTE_MS = 60_000;

/** minute_stats column counting each settled status. */
const STAT_COLUMN: Record<SettledStatus, 'delivered' | 'discarded' | 'retried' | 'failed'> = {
  delivered: 'delivered', discarded: 'discarded', retrying: 'retried', failed: 'failed',
};

/** Attempts counted per function and status during one settle transaction, written once at its end (writeAttemptCounts). */
export class AttemptCounts {
  readonly byKey = new Map<string, { fn: string; status: SettledStatus; n: number }>();
  add(fn: string, status: SettledStatus): void {
    const key = `${status}\u0000${fn}`;
    const entry = this.byKey.get(key);
    if (entry) entry.n++;
    else this.byKey.set(key, { fn, status, n: 1 });
  }
}

type DeliveryRow = {
  function: string; message_id: string; status: DeliveryStatus; attempts: number; last_error: string | null;
  duration_ms: number | null; event_type: string; event_name: string | null; result: string | null;
  first_seen_at: number; updated_at: number; version: string | null; next_attempt_at: number | null;
};
type LogRow = { id: number; function: string; message_id: string; at: number; lines: string };

export interface StoredLog extends LogRecord { id: number }

export class RecordStore implements DeliveryStore {
  private readonly upsert;
  private readonly filtered;
  private readonly log;
  private readonly attempt;
  private readonly minuteStat: Record<SettledStatus, Database.Statement>;

  constructor(private readonly db: Db) {
    // A retry that finally succeeds keeps the error that made it wait: "delivered, 4 attempts, last error 503".
    // attempt_ids gets the new attempt's row appended (none for a record written without an attempt).
    this.upsert = db.prepare(
      `INSERT INTO deliveries (function, message_id, status, attempts, last_error, duration_ms, event_type, event_name, result, first_seen_at, updated_at, attempt_ids, version, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(function, message_id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
         last_error = COALESCE(excluded.last_error, deliveries.last_error), duration_ms = excluded.duration_ms,
         result = excluded.result, updated_at = excluded.updated_at,
         attempt_ids = CASE WHEN excluded.attempt_ids IS NULL THEN deliveries.attempt_ids WHEN deliveries.attempt_ids IS NULL THEN excluded.attempt_ids
           ELSE deliveries.attempt_ids || ',' || excluded.attempt_ids END,
         version = excluded.version, next_attempt_at = excluded.next_attempt_at`,
    );
    this.filtered = db.prepare(
      `INSERT INTO deliveries (function, message_id, status, attempts, last_error, duration_ms, event_type, event_name, result, first_seen_at, updated_at)
       VALUES (?, ?, 'filtered', 0, NULL, NULL, ?, ?, NULL, ?, ?) ON CONFLICT(function, message_id) DO NOTHING`,
    );
    this.log = db.prepare('INSERT INTO logs (function, message_id, at, lines) VALUES (?, ?, ?, ?)');
    this.attempt = db.prepare(
      `INSERT INTO attempts (function, message_id, attempt, at, status, reason, error, duration_ms, logs_id, event)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const stat = (column: string) => db.prepare(
      `INSERT INTO minute_stats (function, minute, ${column}) VALUES (?, ?, ?)
       ON CONFLICT(function, minute) DO UPDATE SET ${column} = ${column} + excluded.${column}`,
    );
    this.minuteStat = {
      delivered: stat(STAT_COLUMN.delivered), discarded: stat(STAT_COLUMN.discarded),
      retrying: stat(STAT_COLUMN.retrying), failed: stat(STAT_COLUMN.failed),
    };
  }

  /**
   * Call inside a transaction. Keeps the stored firstSeenAt, event type and name, and lastError when the new one is null.
   * @param attemptId the attempt's row (writeAttempt), listed with the record.
   */
  put(r: DeliveryRecord, attemptId: number | null = null): void {
    this.upsert.run(r.function, r.messageId, r.status, r.attempts, r.lastError ? JSON.stringify(r.lastError) : null,
      r.durationMs === null ? null : Math.round(r.durationMs), r.eventType, r.eventName, r.result,
      Date.parse(r.firstSeenAt), Date.parse(r.updatedAt), attemptId === null ? null : String(attemptId), r.version ?? null,
      r.nextAttemptAt === undefined ? null : Date.parse(r.nextAttemptAt));
  }

  /**
   * Call inside a transaction, instead of writeLogs, before put: the attempt's row (returned, for put) and its logs;
   * counted in `counts` (written by writeAttemptCounts at the end of the same transaction: one upsert per function
   * and status, not per attempt). A first attempt keeps `event` (JSON as queued).
   */
  writeAttempt(a: AttemptWrite, now: number, counts: AttemptCounts, event: string | null = null): number {
    const { outcome } = a;
    const logsId = outcome.logs.length > 0 ? Number(this.log.run(a.fn, a.messageId, now, JSON.stringify(outcome.logs)).lastInsertRowid) : null;
    const id = Number(this.attempt.run(a.fn, a.messageId, a.attempt, now, a.status, outcome.reason, outcome.error ? JSON.stringify(outcome.error) : null,
      outcome.durationMs, logsId, a.attempt === 1 ? event : null).lastInsertRowid);
    counts.add(a.fn, a.status);
    return id;
  }

  /** Call at the end of the transaction that wrote the attempts: adds them to the minute's counters (minute_stats). */
  writeAttemptCounts(counts: AttemptCounts, now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    for (const { fn, status, n } of counts.byKey.values()) this.minuteStat[status].run(fn, minute, n);
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

  /** Rows of `deliveries` (SELECT * or its record columns) as records. */
  fromRows(rows: unknown[]): DeliveryRecord[] {
    return (rows as DeliveryRow[]).map(toRecord);
  }

  get(fn: string, messageId: string): DeliveryRecord | null {
    const row = this.db.prepare('SELECT * FROM deliveries WHERE function = ? AND message_id = ?').get(fn, messageId) as DeliveryRow | undefined;
    return row ? toRecord(row) : null;
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
    this.db.prepare('DELETE FROM attempts WHERE at < ?').run(before);
    this.db.prepare('DELETE FROM minute_stats WHERE minute < ?').run(Math.floor(before / MINUTE_MS));
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
    ...(r.version ? { version: r.version } : {}),
    ...(typeof r.next_attempt_at === 'number' ? { nextAttemptAt: new Date(r.next_attempt_at).toISOString() } : {}),
  };
}

function toLog(r: LogRow): StoredLog {
  return { id: r.id, function: r.function, messageId: r.message_id, at: new Date(r.at).toISOString(), lines: JSON.parse(r.lines) as string[] };
}

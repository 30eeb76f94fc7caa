/**
 * `GET /api/deliveries` (filtered, newest first, paged by an opaque cursor) and `GET /api/deliveries/:fn/:messageId`
 * (the record, the event as the function received it, every attempt with its logs). Each function's records are
 * read by the (function, updated_at) index and merged, so no query scans the whole table.
 */
import unset from 'lodash/unset';
import type { DeliveryRecord, DeliveryStatus, OutcomeError } from '../../delivery';
import { createRedactor, redactDeep } from '../../settings/redact';
import type { Db } from '../db';
import type { RecordStore } from '../records';
import type { ConsoleDeps } from './deps';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['delivered', 'discarded', 'retrying', 'failed', 'filtered'];
export const MAX_PAGE = 200;

export interface DeliveryFilter { function?: string; status?: DeliveryStatus; type?: string; messageId?: string; limit: number; before?: string }

export interface AttemptView {
  attempt: number; at: string; status: string; reason: string | null; durationMs: number;
  error: OutcomeError | null; result: string | null; logs: string[];
}

export interface DeliveryDetail {
  record: DeliveryRecord;
  /** As the function received it: its drop paths removed, secrets redacted. Null when not kept (older records). */
  event: unknown;
  attempts: AttemptView[];
  result: unknown;
  where: 'queued' | 'dlq' | 'done';
  /** Queued: when it may next be attempted (ISO; in the past when due or in flight). Otherwise null. */
  nextAttemptAt: string | null;
}

type Cursor = [updatedAt: number, fn: string, messageId: string];

const encodeCursor = (r: DeliveryRecord): string => Buffer.from(JSON.stringify([Date.parse(r.updatedAt), r.function, r.messageId])).toString('base64url');

function decodeCursor(text: string | undefined): Cursor | null {
  if (!text) return null;
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string' && typeof value[2] === 'string') return value as Cursor;
  } catch { /* not ours */ }
  throw new Error('before: not a cursor this API gave');
}

/** Newest first: by updatedAt, then function and messageId (descending), the cursor's order. */
function newerFirst(a: DeliveryRecord, b: DeliveryRecord): number {
  const ka = [Date.parse(a.updatedAt), a.function, a.messageId] as const;
  const kb = [Date.parse(b.updatedAt), b.function, b.messageId] as const;
  for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? 1 : -1;
  return 0;
}

type AttemptRow = { attempt: number; at: number; status: string; reason: string | null; error: string | null; duration_ms: number; event: string | null; lines: string | null };

/** A record's rows in `attempts` (its attempt_ids column, "12,57,98"). */
export function attemptIdsOf(text: string | null): number[] {
  return text ? text.split(',').map(Number) : [];
}

export class DeliveryQueries {
  constructor(private readonly db: Db, private readonly records: RecordStore) {}

  /** The functions a list without a function filter covers: those running, known from the last start, or with a DLQ. */
  private functionNames(running: readonly string[]): string[] {
    const known = this.db.prepare('SELECT name FROM functions UNION SELECT function FROM dlq GROUP BY 1').pluck().all() as string[];
    return [...new Set([...running, ...known])].sort();
  }

  list(filter: DeliveryFilter, running: readonly string[]): { deliveries: DeliveryRecord[]; next?: string } {
    const cursor = decodeCursor(filter.before);
    const fns = filter.function !== undefined ? [filter.function] : this.functionNames(running);
    const rows: DeliveryRecord[] = [];
    for (const fn of fns) rows.push(...this.ofFunction(fn, filter, cursor));
    rows.sort(newerFirst);
    const page = rows.slice(0, filter.limit);
    return rows.length > filter.limit ? { deliveries: page, next: encodeCursor(page[page.length - 1]) } : { deliveries: page };
  }

  private ofFunction(fn: string, filter: DeliveryFilter, cursor: Cursor | null): DeliveryRecord[] {
    const where = ['function = ?'];
    const args: unknown[] = [fn];
    if (filter.messageId !== undefined) { where.push('message_id = ?'); args.push(filter.messageId); }
    if (filter.status !== undefined) { where.push('status = ?'); args.push(filter.status); }
    if (filter.type !== undefined) { where.push('event_type = ?'); args.push(filter.type); }
    if (cursor) {
      // Rows after the cursor in (updated_at, function, message_id) descending order; within one function only
      // the function part needs comparing once.
      const [at, cfn, cid] = cursor;
      if (fn < cfn) { where.push('updated_at <= ?'); args.push(at); }
      else if (fn === cfn) { where.push('(updated_at < ? OR (updated_at = ? AND message_id < ?))'); args.push(at, at, cid); }
      else { where.push('updated_at < ?'); args.push(at); }
    }
    const sql = `SELECT function, message_id, status, attempts, last_error, duration_ms, event_type, event_name, result, first_seen_at, updated_at,
        version, next_attempt_at FROM deliveries WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, message_id DESC LIMIT ?`;
    return this.records.fromRows(this.db.prepare(sql).all(...args, filter.limit + 1));
  }

  detail(fn: string, messageId: string, deps: Pick<ConsoleDeps, 'running'>): DeliveryDetail | null {
    const record = this.records.get(fn, messageId);
    if (!record) return null;
    const running = deps.running().find((r) => r.name === fn);
    const redact = createRedactor(running?.loaded.secrets ?? []);
    const ids = attemptIdsOf(this.db.prepare('SELECT attempt_ids FROM deliveries WHERE function = ? AND message_id = ?').pluck().get(fn, messageId) as string | null);
    const rows = this.db.prepare(
      `SELECT a.attempt, a.at, a.status, a.reason, a.error, a.duration_ms, a.event, l.lines
       FROM attempts a LEFT JOIN logs l ON l.id = a.logs_id WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.id`,
    ).all(JSON.stringify(ids)) as AttemptRow[];
    // The event as first queued (a replay queues the same event again).
    const eventJson = rows.find((r) => r.event !== null)?.event;
    let event: unknown = null;
    if (eventJson) {
      const parsed = JSON.parse(eventJson) as object;
      for (const path of running?.loaded.definition.config.drop ?? []) unset(parsed, path);
      event = redactDeep(parsed, redact);
    }
    const attempts = rows.map((r): AttemptView => ({
      attempt: r.attempt, at: new Date(r.at).toISOString(), status: r.status, reason: r.reason, durationMs: r.duration_ms,
      // Only a delivered attempt returned something, and it is the record's last: its result is the record's.
      error: r.error ? (JSON.parse(r.error) as OutcomeError) : null, result: r.status === 'delivered' ? record.result : null,
      logs: r.lines ? (JSON.parse(r.lines) as string[]) : [],
    }));
    return { record, event, attempts, result: parseResult(record.result), ...this.where(fn, messageId) };
  }

  private where(fn: string, messageId: string): Pick<DeliveryDetail, 'where' | 'nextAttemptAt'> {
    const visibleAt = this.db.prepare('SELECT MIN(visible_at) FROM messages WHERE function = ? AND message_id = ?').pluck().get(fn, messageId) as number | null;
    if (visibleAt !== null) return { where: 'queued', nextAttemptAt: new Date(visibleAt).toISOString() };
    if (this.db.prepare('SELECT 1 FROM dlq WHERE function = ? AND message_id = ? LIMIT 1').get(fn, messageId)) return { where: 'dlq', nextAttemptAt: null };
    return { where: 'done', nextAttemptAt: null };
  }
}

/** The record keeps the return value as (possibly truncated) JSON: parsed when whole, else the text. */
function parseResult(text: string | null): unknown {
  if (text === null) return undefined;
  try { return JSON.parse(text) as unknown; } catch { return text; }
}

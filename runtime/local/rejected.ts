/**
 * Events the ingest rejected (invalid: left out of their batch, or a request of one refused): table `rejected`, written by
 * the engine, read by the dev page and `destfn rejected`. Only the last MAX_KEPT are kept, so a client
 * sending garbage cannot fill the disk.
 */
import type { RejectedEvent } from '../ingest/types';
import type { Db } from './db';

export const MAX_KEPT = 1000;

export interface RejectedRecord {
  id: number;
  /** ISO time of the request. */
  at: string;
  source: string;
  /** Position in the batch. */
  index: number;
  error: string;
  /** The event as sent, cut short, keys redacted. */
  snippet: string;
}

type Row = { id: number; at: number; source: string; batch_index: number; error: string; snippet: string };

const SCHEMA = `CREATE TABLE IF NOT EXISTS rejected (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  source      TEXT    NOT NULL,
  batch_index INTEGER NOT NULL,
  error       TEXT    NOT NULL,
  snippet     TEXT    NOT NULL
)`;

export class RejectedLog {
  private readonly insert;
  private readonly trim;
  private readonly add: (source: string, rejected: readonly RejectedEvent[], now: number) => void;

  constructor(private readonly db: Db) {
    db.exec(SCHEMA);
    this.insert = db.prepare('INSERT INTO rejected (at, source, batch_index, error, snippet) VALUES (?, ?, ?, ?, ?)');
    this.trim = db.prepare('DELETE FROM rejected WHERE id <= (SELECT MAX(id) FROM rejected) - ?');
    this.add = db.transaction((source: string, rejected: readonly RejectedEvent[], now: number) => {
      for (const r of rejected) this.insert.run(now, source, r.index, r.error, r.snippet);
      this.trim.run(MAX_KEPT);
    });
  }

  record(source: string, rejected: readonly RejectedEvent[], now = Date.now()): void {
    if (rejected.length > 0) this.add(source, rejected, now);
  }

  /** The last `limit` rejected events, newest first. */
  recent(limit: number): RejectedRecord[] {
    const rows = this.db.prepare('SELECT * FROM rejected ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), source: r.source, index: r.batch_index, error: r.error, snippet: r.snippet }));
  }
}

const NOTICE_LINES = 5;

/** What `destfn dev` prints for the rejected events of one request. */
export function rejectedNotices(source: string, rejected: readonly RejectedEvent[]): string[] {
  const lines = rejected.slice(0, NOTICE_LINES).map((r) => `rejected an event from source "${source}": ${r.error} — ${r.snippet.slice(0, 120)}`);
  if (rejected.length > NOTICE_LINES) lines.push(`… and ${rejected.length - NOTICE_LINES} more rejected events of that request (npx destfn rejected)`);
  return lines;
}

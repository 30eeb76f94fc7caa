/**
 * Delivery control state shared through the engine's database, so `destfn pause|resume|status` work from another
 * process while the engine runs (like `replay`): an operator's pause per function (written by the CLI, read by
 * the dispatchers a few times a second), each dispatcher's published status (limit, latency, recent
 * outcomes, paused and why), refreshed about once a second while the engine runs, and the function folders whose
 * last save did not load (hot reload), so `destfn status` can say why a function is not running its new code.
 */
import type { DeliveryControlStatus } from '../delivery-control';
import type { Db } from './db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS function_pause (
  function  TEXT    PRIMARY KEY,
  reason    TEXT    NOT NULL,
  paused_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS function_status (
  function   TEXT    PRIMARY KEY,
  status     TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS function_load_failure (
  folder  TEXT    PRIMARY KEY,
  message TEXT    NOT NULL,
  at      INTEGER NOT NULL
) WITHOUT ROWID;
`;

export interface OperatorPause { reason: string; pausedAt: number }
export interface PublishedStatus { fn: string; status: DeliveryControlStatus; updatedAt: number }
/** A function folder whose last save did not load: the loader's message (it names files and settings, never their values). */
export interface FolderFailure { folder: string; message: string; at: number }

export class FunctionControlStore {
  private readonly pausesQuery;
  private readonly publishQuery;

  constructor(private readonly db: Db) {
    db.exec(SCHEMA);
    this.pausesQuery = db.prepare('SELECT function AS fn, reason, paused_at AS pausedAt FROM function_pause');
    this.publishQuery = db.prepare(
      'INSERT INTO function_status (function, status, updated_at) VALUES (?, ?, ?) ON CONFLICT(function) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at',
    );
  }

  /** Pause `fn` by hand; returns false when it already was. */
  pause(fn: string, reason: string, now = Date.now()): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO function_pause (function, reason, paused_at) VALUES (?, ?, ?)').run(fn, reason, now).changes > 0;
  }

  /** Lift an operator's pause; returns false when there was none. */
  resume(fn: string): boolean {
    return this.db.prepare('DELETE FROM function_pause WHERE function = ?').run(fn).changes > 0;
  }

  /** Operator pauses by function. */
  pauses(): Map<string, OperatorPause> {
    const rows = this.pausesQuery.all() as { fn: string; reason: string; pausedAt: number }[];
    return new Map(rows.map((r) => [r.fn, { reason: r.reason, pausedAt: r.pausedAt }]));
  }

  publish(fn: string, status: DeliveryControlStatus, now = Date.now()): void {
    this.publishQuery.run(fn, JSON.stringify(status), now);
  }

  /** What the dispatchers published last (all functions, or `fn`'s). */
  statuses(fn?: string): PublishedStatus[] {
    const rows = (fn === undefined
      ? this.db.prepare('SELECT function AS fn, status, updated_at AS updatedAt FROM function_status ORDER BY function').all()
      : this.db.prepare('SELECT function AS fn, status, updated_at AS updatedAt FROM function_status WHERE function = ?').all(fn)) as { fn: string; status: string; updatedAt: number }[];
    return rows.map((r) => ({ fn: r.fn, status: JSON.parse(r.status) as DeliveryControlStatus, updatedAt: r.updatedAt }));
  }

  /** The folders whose last load failed, as the engine knows them now (replacing what was saved before). */
  saveLoadFailures(failures: readonly FolderFailure[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM function_load_failure').run();
      const insert = this.db.prepare('INSERT INTO function_load_failure (folder, message, at) VALUES (?, ?, ?)');
      for (const f of failures) insert.run(f.folder, f.message, f.at);
    })();
  }

  loadFailures(): FolderFailure[] {
    return this.db.prepare('SELECT folder, message, at FROM function_load_failure ORDER BY folder').all() as FolderFailure[];
  }

  /** Forget the status of functions no longer running. */
  forget(fn: string): void {
    this.db.prepare('DELETE FROM function_status WHERE function = ?').run(fn);
  }
}

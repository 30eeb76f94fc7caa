/**
 * The engine's SQLite database (<dataDir>/destfn.db): one file holds every function's queue, DLQ,
 * delivery records and logs.
 *
 * Durability: WAL with synchronous=NORMAL. A commit is appended to the WAL with write() before
 * better-sqlite3 returns, so once the ingest handler has committed, the event survives the process
 * being killed at any moment (kill -9 included): the bytes are in the OS page cache and SQLite
 * replays the WAL on the next open. Only an OS crash or power loss can lose the last commits, which
 * synchronous=FULL (an fsync per commit, several ms each) would prevent at a large cost in
 * throughput. A local dev engine does not need to survive power loss; it must survive kill -9.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

export const DB_FILE = 'destfn.db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  id          INTEGER PRIMARY KEY,
  function    TEXT    NOT NULL,
  message_id  TEXT    NOT NULL,
  event       TEXT    NOT NULL,
  event_type  TEXT    NOT NULL,
  event_name  TEXT,
  attempts    INTEGER NOT NULL DEFAULT 0,
  visible_at  INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  last_error  TEXT
);
CREATE INDEX IF NOT EXISTS messages_ready ON messages(function, visible_at);

CREATE TABLE IF NOT EXISTS dlq (
  id          INTEGER PRIMARY KEY,
  function    TEXT    NOT NULL,
  message_id  TEXT    NOT NULL,
  event       TEXT    NOT NULL,
  event_type  TEXT    NOT NULL,
  event_name  TEXT,
  attempts    INTEGER NOT NULL,
  last_error  TEXT,
  enqueued_at INTEGER NOT NULL,
  failed_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dlq_function ON dlq(function);

CREATE TABLE IF NOT EXISTS deliveries (
  function      TEXT    NOT NULL,
  message_id    TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  attempts      INTEGER NOT NULL,
  last_error    TEXT,
  duration_ms   INTEGER,
  event_type    TEXT    NOT NULL,
  event_name    TEXT,
  result        TEXT,
  first_seen_at INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (function, message_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_by_function ON deliveries(function, updated_at);

CREATE TABLE IF NOT EXISTS logs (
  id         INTEGER PRIMARY KEY,
  function   TEXT    NOT NULL,
  message_id TEXT    NOT NULL,
  at         INTEGER NOT NULL,
  lines      TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_function ON logs(function, id);

CREATE TABLE IF NOT EXISTS functions (
  name TEXT PRIMARY KEY
) WITHOUT ROWID;

-- One row per settled attempt (the dev console's delivery detail and duration percentiles), appended: no index
-- but its rowid, which grows with time (metrics use that); its record lists them (deliveries.attempt_ids). Its
-- result is the record's (only a delivered attempt has one, and it is the last). A first attempt keeps the event.
CREATE TABLE IF NOT EXISTS attempts (
  id          INTEGER PRIMARY KEY,
  function    TEXT    NOT NULL,
  message_id  TEXT    NOT NULL,
  attempt     INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  status      TEXT    NOT NULL,
  reason      TEXT,
  error       TEXT,
  duration_ms REAL    NOT NULL,
  logs_id     INTEGER, -- its row in logs, when it printed anything
  event       TEXT     -- the event as queued (drop paths not applied), on a first attempt
);

-- Settled attempts per function and minute (the dev console's last-hour counts and chart: 60 rows to read).
CREATE TABLE IF NOT EXISTS minute_stats (
  function  TEXT    NOT NULL,
  minute    INTEGER NOT NULL,
  delivered INTEGER NOT NULL DEFAULT 0,
  discarded INTEGER NOT NULL DEFAULT 0,
  retried   INTEGER NOT NULL DEFAULT 0,
  failed    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (function, minute)
) WITHOUT ROWID;
`;

/** Columns added after a table was first created: [table, column, type]. Added when missing (ALTER TABLE). */
const ADDED_COLUMNS: ReadonlyArray<readonly [string, string, string]> = [
  // The record's rows in attempts, in order ("12,57,98"): the dev console's delivery detail.
  ['deliveries', 'attempt_ids', 'TEXT'],
  ['attempts', 'event', 'TEXT'],
  // The code version of the function that made the last attempt (runtime/function/version.ts).
  ['deliveries', 'version', 'TEXT'],
  // A retrying record's next attempt (epoch ms), as scheduled when it settled.
  ['deliveries', 'next_attempt_at', 'INTEGER'],
];

/** Indexes an earlier version created and this one does not need (each costs every write). */
const DROPPED_INDEXES = ['attempts_by_time', 'attempts_by_message'];

function migrate(db: Database.Database): void {
  for (const index of DROPPED_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
  for (const [table, column, type] of ADDED_COLUMNS) {
    const columns = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
    if (!columns.includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

export interface OpenDbOptions {
  /** For the CLI commands that only look: do not create a database in the wrong directory. */
  mustExist?: boolean;
  busyTimeoutMs?: number;
}

export function dbPath(dataDir: string): string {
  return join(dataDir, DB_FILE);
}

/**
 * The database holds event payloads (personal data): readable by its owner only. SQLite gives the -wal and -shm
 * files the database file's mode, so creating (or tightening) the database file first covers all three.
 * The engine's lock and pid files get the same treatment (lock.ts).
 */
export function ownerOnly(file: string): void {
  try {
    closeSync(openSync(file, 'a', 0o600));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  } catch {
    // Not ours to change (another owner, a read-only mount): SQLite reports what matters when it opens.
  }
}

/** Open (creating when needed) the database of a data dir. */
export function openDb(dataDir: string, options: OpenDbOptions = {}): Db {
  if (!options.mustExist) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    ownerOnly(dbPath(dataDir));
  }
  const db = new Database(dbPath(dataDir), { fileMustExist: options.mustExist ?? false });
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 2000}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  migrate(db);
  return db;
}

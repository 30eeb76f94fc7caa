/**
 * One engine per data dir. Starting releases every lease in the queue (they belong to a dead
 * process), which is only right when no other engine is using the database.
 *
 * The lock is SQLite's own: an exclusive transaction held open on `<dataDir>/engine.lock`. It is a POSIX
 * advisory lock, so the OS drops it the moment the holding process dies (SIGKILL included, before the
 * process is reaped) and a supervisor can start the next engine at once; a stale or reused PID in
 * `engine.pid` means nothing. `engine.pid` only names the holder in messages.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownerOnly } from './db';

const LOCK_FILE = 'engine.lock';
const PID_FILE = 'engine.pid';
/** A CLI command probing the lock holds it for a moment: an engine starting meanwhile waits that long. */
const ACQUIRE_WAIT_MS = 500;

function isBusy(err: unknown): boolean {
  return /^SQLITE_BUSY/.test((err as { code?: string }).code ?? '');
}

/** The exclusive lock on `dataDir`, or null when another connection (any process) holds it. */
function tryLock(dataDir: string, waitMs: number): Database.Database | null {
  const db = new Database(join(dataDir, LOCK_FILE));
  try {
    db.pragma(`busy_timeout = ${waitMs}`);
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (err) {
    db.close();
    if (isBusy(err)) return null;
    throw err;
  }
}

function unlock(db: Database.Database): void {
  try { db.exec('ROLLBACK'); } catch { /* not in a transaction */ }
  db.close();
}

function readPid(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, PID_FILE), 'utf8'), 10);
    return Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function acquireEngineLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // as openDb makes it: it holds the database
  ownerOnly(join(dataDir, LOCK_FILE));
  const db = tryLock(dataDir, ACQUIRE_WAIT_MS);
  if (!db) {
    const pid = readPid(dataDir);
    throw new Error(`another destfn engine${pid === null ? '' : ` (pid ${pid})`} is using ${dataDir}; stop it or use another --data dir`);
  }
  const pidFile = join(dataDir, PID_FILE);
  ownerOnly(pidFile);
  writeFileSync(pidFile, String(process.pid));
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    try { rmSync(pidFile); } catch { /* gone */ }
    unlock(db);
  };
}

/** The pid of the engine running on `dataDir`, if any (for CLI messages). */
export function runningEnginePid(dataDir: string): number | null {
  let db: Database.Database | null;
  try {
    db = tryLock(dataDir, 0);
  } catch {
    return null; // no data dir, unreadable: no engine we can tell of
  }
  if (db) { unlock(db); return null; }
  return readPid(dataDir) ?? 0;
}

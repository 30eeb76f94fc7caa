/**
 * WAL checkpoints in a background thread. A checkpoint copies the WAL back into the database file
 * and fsyncs it; done by the engine's own connection (SQLite's auto-checkpoint), that fsync blocked
 * the engine thread for milliseconds every ~1,000 pages, about half the cost of settling a delivery
 * (measured). Here a second connection in its own thread runs PASSIVE checkpoints, which never block
 * the writer; the engine's connection keeps a high auto-checkpoint threshold only as a fallback in
 * case this thread falls behind.
 */
import { Worker } from 'node:worker_threads';
import type { Db } from './db';

const INTERVAL_MS = 100;
/** Pages in the WAL before the engine's own connection checkpoints (normally never reached). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

const SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next time */ } }, workerData.intervalMs);
`;

export interface Checkpointer { stop(): Promise<void> }

export function startCheckpointer(db: Db): Checkpointer {
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: { driver: require.resolve('better-sqlite3'), file: db.name, intervalMs: INTERVAL_MS },
  });
  worker.unref();
  // If the thread cannot run, the fallback threshold still bounds the WAL: nothing to report.
  worker.on('error', () => undefined);
  return { stop: async () => { await worker.terminate(); } };
}

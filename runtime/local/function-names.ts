/**
 * Which functions a data dir knows: the ones the engine last ran (table `functions`, written at start and on
 * hot reload) and any other with events or records in it (a deleted function's DLQ and records). The CLI
 * refuses any other name, so a typo is an error listing the real ones, not an empty answer.
 */
import type { Db } from './db';

/** The engine's current functions. Call inside a transaction. */
export function saveFunctionNames(db: Db, names: readonly string[]): void {
  db.prepare('DELETE FROM functions').run();
  const insert = db.prepare('INSERT INTO functions (name) VALUES (?)');
  for (const name of names) insert.run(name);
}

/** The functions the engine runs now (or ran last, when it is stopped). */
export function runningFunctionNames(db: Db): string[] {
  return db.prepare('SELECT name FROM functions ORDER BY name').pluck().all() as string[];
}

export function knownFunctionNames(db: Db): string[] {
  return db.prepare(
    `SELECT name FROM functions UNION SELECT function FROM messages UNION SELECT function FROM dlq
     UNION SELECT function FROM deliveries UNION SELECT function FROM logs ORDER BY 1`,
  ).pluck().all() as string[];
}

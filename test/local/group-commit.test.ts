/**
 * Group commit of ingest requests (runtime/local/group-commit.ts): the work of one event-loop turn shares one
 * transaction, each piece is answered only once committed (seen by another connection), and a piece that
 * throws rolls back alone.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbPath, openDb, type Db } from '../../runtime/local/db';
import { createGroupCommit, type GroupCommit } from '../../runtime/local/group-commit';

let dir: string;
let db: Db;
let reader: Database.Database;
let commit: GroupCommit;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'destfn-group-commit-'));
  db = openDb(dir);
  db.exec('CREATE TABLE t (v TEXT NOT NULL)');
  reader = new Database(dbPath(dir), { readonly: true });
  commit = createGroupCommit(db);
});
afterEach(() => {
  reader.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (v: string) => () => { db.prepare('INSERT INTO t (v) VALUES (?)').run(v); return v; };
const committed = () => (reader.prepare('SELECT v FROM t ORDER BY rowid').pluck().all() as string[]);

test('work queued in one loop turn runs in one transaction and is answered after its commit', async () => {
  const visibleWhileRunning: string[][] = [];
  const tracked = (v: string) => () => {
    if (!db.inTransaction) throw new Error('not in a transaction');
    visibleWhileRunning.push(committed()); // separate commits would show the earlier pieces here
    return insert(v)();
  };
  const seen: string[][] = [];
  const answers = ['a', 'b', 'c'].map((v) => commit(tracked(v)).then((value) => { seen.push(committed()); return value; }));
  expect(visibleWhileRunning).toEqual([]); // nothing runs before the end of the turn
  await expect(Promise.all(answers)).resolves.toEqual(['a', 'b', 'c']);
  expect(visibleWhileRunning).toEqual([[], [], []]);
  expect(seen).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c']]); // committed (another connection sees it) when answered
});

test('a piece that throws rolls back alone; the others are committed', async () => {
  const results = await Promise.allSettled([
    commit(insert('kept-1')),
    commit(() => { insert('rolled-back')(); throw new Error('bad request'); }),
    commit(insert('kept-2')),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('bad request'));
  expect(committed()).toEqual(['kept-1', 'kept-2']);
});

test('each loop turn gets its own commit', async () => {
  await expect(commit(insert('first'))).resolves.toBe('first');
  expect(committed()).toEqual(['first']);
  await expect(commit(insert('second'))).resolves.toBe('second');
  expect(committed()).toEqual(['first', 'second']);
});

test('when the commit itself fails, every piece of the turn is refused and nothing is stored', async () => {
  const a = commit(insert('a'));
  const b = commit(insert('b'));
  db.close(); // the flush (end of this turn) cannot run any statement
  await expect(a).rejects.toThrow(/not open/);
  await expect(b).rejects.toThrow(/not open/);
  db = openDb(dir); // for afterEach
  expect(committed()).toEqual([]);
});

/** The local records store keeps each record's code version, also in a data dir created before versions existed. */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordAfterAttempt } from '../../runtime/delivery';
import { dbPath, openDb } from '../../runtime/local/db';
import { RecordStore } from '../../runtime/local/records';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'destfn-record-version-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const facts = (messageId: string, version?: string) => ({
  fn: 'shop:eu', messageId, eventType: 'track', eventName: 'Order Completed', attempt: 1, queuedAt: '2026-11-29T10:00:00.000Z',
  status: 'delivered' as const, error: null, durationMs: 12, result: 'ok', ...(version ? { version } : {}),
});

test('a data dir from before versions gets the column; records round-trip with and without a version', () => {
  const data = join(dir, 'old');
  mkdirSync(data);
  const old = new Database(dbPath(data));
  old.exec(`CREATE TABLE deliveries (function TEXT NOT NULL, message_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
    last_error TEXT, duration_ms INTEGER, event_type TEXT NOT NULL, event_name TEXT, result TEXT, first_seen_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL, PRIMARY KEY (function, message_id)) WITHOUT ROWID`);
  old.prepare(`INSERT INTO deliveries VALUES ('shop:eu', 'before', 'delivered', 1, NULL, 5, 'track', NULL, NULL, 1, 1)`).run();
  old.close();

  const db = openDb(data);
  try {
    const store = new RecordStore(db);
    const now = new Date('2026-11-29T10:00:01.000Z');
    const v1 = recordAfterAttempt(facts('m-1', '0123456789ab'), null, now);
    db.transaction(() => { store.put(v1); store.put(recordAfterAttempt(facts('m-2'), null, now)); })();
    expect(store.get('shop:eu', 'm-1')).toEqual(v1);
    expect(store.get('shop:eu', 'm-1')?.version).toBe('0123456789ab');
    expect(store.get('shop:eu', 'm-2')).not.toHaveProperty('version');
    expect(store.get('shop:eu', 'before')).not.toHaveProperty('version');

    // A later attempt by another version replaces it: the record says which code made its last attempt.
    db.transaction(() => store.put(recordAfterAttempt(facts('m-1', 'ba9876543210'), null, now)))();
    expect(store.get('shop:eu', 'm-1')?.version).toBe('ba9876543210');
  } finally {
    db.close();
  }
});

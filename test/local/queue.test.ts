import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../runtime/local/db';
import { Queue, type LeasedMessage } from '../../runtime/local/queue';
import { DEDUPE_WINDOW_MS } from '../../runtime/delivery';
import { RecordStore } from '../../runtime/local/records';
import { createSettler } from '../../runtime/local/settle';
import type { Outcome } from '../../runtime/delivery/outcome';

let dir: string;
let db: Db;
let queue: Queue;
let records: RecordStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'destfn-queue-'));
  db = openDb(dir);
  queue = new Queue(db);
  records = new RecordStore(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = 1_800_000_000_000;
const none = { held: () => false, busy: () => false };
const holding = (ids: number[]) => ({ held: (id: number) => ids.includes(id), busy: () => false });

function add(fn: string, ...ids: string[]): void {
  db.transaction(() => queue.insertMessages(ids.map((messageId) => ({
    fn, messageId, event: JSON.stringify({ type: 'track', messageId }), eventType: 'track', eventName: 'X',
  })), T0))();
}

function outcome(messageId: string, status: Outcome['status'], error: Outcome['error'] = null): Outcome {
  return { messageId, status, reason: status === 'delivered' ? null : 'retry-error', result: { ok: 1 }, error, logs: status === 'delivered' ? ['sent'] : [], durationMs: 3 };
}

test('a lease skips what the engine already holds; queues are per function', () => {
  add('a', 'm1', 'm2', 'm3');
  add('b', 'm1');
  const first = queue.lease('a', 2, none, 0, T0);
  expect(first.leased.map((m) => [m.messageId, m.attempts])).toEqual([['m1', 1], ['m2', 1]]);
  expect(JSON.parse(first.leased[0].event)).toEqual({ type: 'track', messageId: 'm1' });
  const next = queue.lease('a', 10, holding(first.leased.map((m) => m.id)), 2, T0);
  expect(next.leased.map((m) => m.messageId)).toEqual(['m3']);
  expect(queue.lease('b', 10, none, 0, T0).leased.map((m) => m.fn)).toEqual(['b']);
});

test('leases live in memory: a new process (after a crash) leases every unacked message again', () => {
  add('a', 'm1', 'm2');
  queue.lease('a', 10, none, 0, T0);
  const afterCrash = new Queue(db);
  expect(afterCrash.lease('a', 10, none, 0, T0 + 1).leased.map((m) => m.messageId)).toEqual(['m1', 'm2']);
});

test('lease takes at most max messages per call', () => {
  add('a', ...Array.from({ length: 25 }, (_, i) => `m${i}`));
  expect(queue.lease('a', 10, none, 0, T0).leased).toHaveLength(10);
  expect(queue.lease('a', 100, none, 0, T0).leased).toHaveLength(25);
});

test('a messageId in flight, or twice in one lease, waits instead of running twice at once', () => {
  add('a', 'dup', 'dup', 'other');
  const { leased } = queue.lease('a', 10, { held: () => false, busy: (id) => id === 'other' }, 0, T0);
  expect(leased.map((m) => m.messageId)).toEqual(['dup']);
  expect(queue.lease('a', 10, holding([leased[0].id]), 1, T0 + 500).leased).toHaveLength(0);
  expect(queue.lease('a', 10, holding([leased[0].id]), 1, T0 + 1000).leased.map((m) => m.messageId).sort()).toEqual(['dup', 'other']);
});

describe('settling outcomes', () => {
  const retry = { attempts: 3, windowHours: 1 };
  const settle = () => createSettler(db, queue, records);

  test('delivered: acked, record with result and logs', () => {
    add('a', 'm1');
    const [m] = queue.lease('a', 1, none, 0, T0).leased;
    const [[s]] = settle()([{ attempts: [{ message: m, outcome: outcome('m1', 'delivered') }], options: { retry, retryScale: 1 } }], T0 + 5);
    expect(s.status).toBe('delivered');
    expect(queue.depths()).toEqual({});
    expect(records.get('a', 'm1')).toMatchObject({ status: 'delivered', attempts: 1, result: '{"ok":1}', eventType: 'track', eventName: 'X', durationMs: 3 });
    expect(records.logs('a').map((l) => l.lines)).toEqual([['sent']]);
  });

  test('retry: visible again after the scaled backoff, then DLQ after the last attempt, then replay', () => {
    add('a', 'm1');
    const run = (now: number) => {
      const [m] = queue.lease('a', 1, none, 0, now).leased;
      const attempts = [{ message: m, outcome: outcome('m1', 'retry', { name: 'RetryError', message: 'sink 503' }) }];
      return settle()([{ attempts, options: { retry, retryScale: 0.001, random: () => 0.5 } }], now)[0][0];
    };
    const first = run(T0);
    expect(first.status).toBe('retrying');
    // 1 h over 2 retries: 20 min then 40 min; × 0.001 = 1.2 s then 2.4 s.
    expect(first.retryInMs).toBe(1200);
    expect(queue.lease('a', 1, none, 0, T0 + 1199).leased).toHaveLength(0);
    expect(run(T0 + 1200).retryInMs).toBe(2400);
    const last = run(T0 + 3600);
    expect(last.status).toBe('failed');
    expect(queue.dlq('a')).toEqual([expect.objectContaining({ messageId: 'm1', attempts: 3, lastError: JSON.stringify({ name: 'RetryError', message: 'sink 503' }) })]);
    expect(records.get('a', 'm1')).toMatchObject({ status: 'failed', attempts: 3, lastError: { name: 'RetryError', message: 'sink 503' } });
    expect(queue.replay('a', T0 + 4000)).toBe(1);
    expect(queue.dlq('a')).toEqual([]);
    const [back] = queue.lease('a', 1, none, 0, T0 + 4000).leased;
    expect(back).toMatchObject({ messageId: 'm1', attempts: 1 });
  });

  test('a messageId the function delivered within 24 h is not delivered again', () => {
    add('a', 'm1');
    const [m] = queue.lease('a', 1, none, 0, T0).leased;
    settle()([{ attempts: [{ message: m, outcome: outcome('m1', 'delivered') }], options: { retry, retryScale: 1 } }], T0);
    add('a', 'm1');
    add('b', 'm1');
    const again = queue.lease('a', 10, none, 0, T0 + 1000);
    expect(again.leased).toHaveLength(0);
    expect(again.duplicates.map((d) => d.messageId)).toEqual(['m1']);
    expect(queue.lease('b', 10, none, 0, T0 + 1000).leased).toHaveLength(1); // per function
    add('a', 'm1');
    expect(queue.lease('a', 10, none, 0, T0 + DEDUPE_WINDOW_MS + 1).leased).toHaveLength(1);
  });
});

test('filtered records never overwrite an existing record', () => {
  db.transaction(() => {
    const at = new Date(T0).toISOString();
    records.put({ function: 'a', messageId: 'm1', status: 'delivered', attempts: 1, lastError: null, durationMs: 1, eventType: 'track', eventName: null, result: null, firstSeenAt: at, updatedAt: at });
    records.writeFiltered({ fn: 'a', messageId: 'm1', eventType: 'track', eventName: null }, T0 + 1);
    records.writeFiltered({ fn: 'a', messageId: 'm2', eventType: 'identify', eventName: null }, T0 + 1);
  })();
  expect(records.get('a', 'm1')?.status).toBe('delivered');
  expect(records.get('a', 'm2')).toMatchObject({ status: 'filtered', attempts: 0 });
});

describe('rows this engine inserted are leased without reading them back (fresh-rows.ts)', () => {
  const fields = (m: LeasedMessage) => ({ ...m });

  test('a lease gives the same message from memory as from the table', () => {
    db.transaction(() => queue.insertMessages([
      { fn: 'a', messageId: 'm1', event: '{"type":"page"}', eventType: 'page', eventName: null },
      { fn: 'a', messageId: 'm2', event: '{"type":"track","event":"Signed Up"}', eventType: 'track', eventName: 'Signed Up' },
    ], T0))();
    const fromTable = new Queue(db).lease('a', 10, none, 0, T0).leased.map(fields);
    const fromMemory = queue.lease('a', 10, none, 0, T0).leased.map(fields);
    expect(fromMemory).toEqual(fromTable);
    expect(fromMemory.map((m) => [m.messageId, m.eventName, m.attempts, m.enqueuedAt])).toEqual([['m1', null, 1, T0], ['m2', 'Signed Up', 1, T0]]);
  });

  test('a first lease does not read the row back from the table', () => {
    add('a', 'm1');
    db.prepare("UPDATE messages SET event = 'changed behind the engine'").run();
    expect(queue.lease('a', 1, none, 0, T0).leased[0].event).toBe(JSON.stringify({ type: 'track', messageId: 'm1' }));
  });

  test('only the first lease comes from memory: a retried message is leased with its attempts', () => {
    add('a', 'm1');
    const [m] = queue.lease('a', 1, none, 0, T0).leased;
    createSettler(db, queue, records)([{ attempts: [{ message: m, outcome: outcome('m1', 'retry', { name: 'RetryError', message: '503' }) }], options: { retry: { attempts: 3, windowHours: 1 }, retryScale: 0 } }], T0);
    expect(queue.lease('a', 1, none, 0, T0 + 1).leased.map((l) => [l.messageId, l.attempts])).toEqual([['m1', 2]]);
  });

  test('an insert that rolled back is forgotten: a row that later takes its id is leased as it is', () => {
    expect(() => db.transaction(() => {
      add('a', 'rolled-back');
      throw new Error('disk full');
    })()).toThrow('disk full');
    queue.forgetInserted();
    // Another process (destfn replay) inserts next; SQLite gives it the id the rolled-back row had.
    const other = new Queue(db);
    db.transaction(() => other.insertMessages([{ fn: 'a', messageId: 'replayed', event: '{"type":"track"}', eventType: 'track', eventName: null }], T0))();
    expect(queue.lease('a', 10, none, 0, T0).leased.map((m) => [m.messageId, m.event])).toEqual([['replayed', '{"type":"track"}']]);
  });

  test('a row deleted unleased (moved to the DLQ) is forgotten: a row that later takes its id is leased as it is', () => {
    add('a', 'orphan');
    const id = new Queue(db).lease('a', 1, none, 0, T0).leased[0].id;
    db.transaction(() => queue.deadLetter(id, 0, null, T0))();
    const other = new Queue(db);
    db.transaction(() => other.insertMessages([{ fn: 'a', messageId: 'next', event: '{"type":"identify"}', eventType: 'identify', eventName: null }], T0))();
    const [m] = queue.lease('a', 10, none, 0, T0).leased;
    expect([m.id, m.messageId, m.event]).toEqual([id, 'next', '{"type":"identify"}']);
  });
});

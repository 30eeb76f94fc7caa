import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../runtime/local/db';
import { Queue, DEDUPE_WINDOW_MS } from '../../runtime/local/queue';
import { RecordStore } from '../../runtime/local/records';
import { createSettler } from '../../runtime/local/settle';
import type { Outcome } from '../../runtime/outcome';

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
const never = () => false;

function add(fn: string, ...ids: string[]): void {
  db.transaction(() => queue.insertMessages(ids.map((messageId) => ({
    fn, messageId, event: JSON.stringify({ type: 'track', messageId }), eventType: 'track', eventName: 'X',
  })), T0))();
}

function outcome(messageId: string, status: Outcome['status'], error: Outcome['error'] = null): Outcome {
  return { messageId, status, reason: status === 'delivered' ? null : 'retry-error', result: { ok: 1 }, error, logs: status === 'delivered' ? ['sent'] : [], durationMs: 3 };
}

test('a lease hides messages until its deadline; an expired lease is delivered again with one more attempt', () => {
  add('a', 'm1', 'm2');
  add('b', 'm1');
  const first = queue.lease('a', 10, 1000, never, T0);
  expect(first.leased.map((m) => m.messageId).sort()).toEqual(['m1', 'm2']);
  expect(first.leased.every((m) => m.attempts === 1)).toBe(true);
  expect(queue.lease('a', 10, 1000, never, T0 + 999).leased).toHaveLength(0);
  const again = queue.lease('a', 10, 1000, never, T0 + 1000);
  expect(again.leased.map((m) => m.attempts)).toEqual([2, 2]);
  expect(queue.lease('b', 10, 1000, never, T0).leased).toHaveLength(1); // queues are per function
});

test('lease takes at most max messages per call', () => {
  add('a', ...Array.from({ length: 25 }, (_, i) => `m${i}`));
  expect(queue.lease('a', 10, 1000, never, T0).leased).toHaveLength(10);
  expect(queue.lease('a', 100, 1000, never, T0).leased).toHaveLength(15);
});

test('releaseAllLeases makes a crashed process\'s messages visible at once', () => {
  add('a', 'm1');
  queue.lease('a', 10, 60_000, never, T0);
  expect(queue.releaseAllLeases(T0 + 1)).toBe(1);
  expect(queue.lease('a', 10, 1000, never, T0 + 1).leased[0].attempts).toBe(2);
});

test('release gives leased messages back, undoing the attempt when they never ran', () => {
  add('a', 'm1', 'm2');
  const [m1, m2] = queue.lease('a', 10, 60_000, never, T0).leased.sort((x, y) => x.id - y.id);
  queue.release([m1.id], true, T0);
  queue.release([m2.id], false, T0);
  const again = queue.lease('a', 10, 1000, never, T0).leased.sort((x, y) => x.id - y.id);
  expect(again.map((m) => m.attempts)).toEqual([1, 2]);
});

test('a messageId in flight, or twice in one lease, waits instead of running twice at once', () => {
  add('a', 'dup', 'dup', 'other');
  const { leased } = queue.lease('a', 10, 1000, (id) => id === 'other', T0);
  expect(leased.map((m) => m.messageId)).toEqual(['dup']);
  expect(queue.lease('a', 10, 1000, never, T0 + 500).leased).toHaveLength(0);
  expect(queue.lease('a', 10, 1000, never, T0 + 1000).leased.map((m) => m.messageId).sort()).toEqual(['dup', 'other']);
});

describe('settling outcomes', () => {
  const retry = { attempts: 3, windowHours: 1 };
  const settle = () => createSettler(db, queue, records);

  test('delivered: acked, record with result and logs', () => {
    add('a', 'm1');
    const [m] = queue.lease('a', 1, 1000, never, T0).leased;
    const [s] = settle()([{ message: m, outcome: outcome('m1', 'delivered') }], { retry, retryScale: 1 }, T0 + 5);
    expect(s.status).toBe('delivered');
    expect(queue.depths()).toEqual({});
    expect(records.delivery('a', 'm1')).toMatchObject({ status: 'delivered', attempts: 1, result: '{"ok":1}', eventType: 'track', eventName: 'X', durationMs: 3 });
    expect(records.logs('a').map((l) => l.lines)).toEqual([['sent']]);
  });

  test('retry: visible again after the scaled backoff, then DLQ after the last attempt, then replay', () => {
    add('a', 'm1');
    const run = (now: number) => {
      const [m] = queue.lease('a', 1, 1000, never, now).leased;
      return settle()([{ message: m, outcome: outcome('m1', 'retry', { name: 'RetryError', message: 'sink 503' }) }], { retry, retryScale: 0.001, random: () => 0.5 }, now)[0];
    };
    const first = run(T0);
    expect(first.status).toBe('retrying');
    // 1 h over 2 retries: 20 min then 40 min; × 0.001 = 1.2 s then 2.4 s.
    expect(first.retryInMs).toBe(1200);
    expect(queue.lease('a', 1, 1000, never, T0 + 1199).leased).toHaveLength(0);
    expect(run(T0 + 1200).retryInMs).toBe(2400);
    const last = run(T0 + 3600);
    expect(last.status).toBe('failed');
    expect(queue.dlq('a')).toEqual([expect.objectContaining({ messageId: 'm1', attempts: 3, lastError: JSON.stringify({ name: 'RetryError', message: 'sink 503' }) })]);
    expect(records.delivery('a', 'm1')).toMatchObject({ status: 'failed', attempts: 3, lastError: { name: 'RetryError', message: 'sink 503' } });
    expect(queue.replay('a', T0 + 4000)).toBe(1);
    expect(queue.dlq('a')).toEqual([]);
    const [back] = queue.lease('a', 1, 1000, never, T0 + 4000).leased;
    expect(back).toMatchObject({ messageId: 'm1', attempts: 1 });
  });

  test('a messageId the function delivered within 24 h is not delivered again', () => {
    add('a', 'm1');
    const [m] = queue.lease('a', 1, 1000, never, T0).leased;
    settle()([{ message: m, outcome: outcome('m1', 'delivered') }], { retry, retryScale: 1 }, T0);
    add('a', 'm1');
    add('b', 'm1');
    const again = queue.lease('a', 10, 1000, never, T0 + 1000);
    expect(again.leased).toHaveLength(0);
    expect(again.duplicates.map((d) => d.messageId)).toEqual(['m1']);
    expect(queue.lease('b', 10, 1000, never, T0 + 1000).leased).toHaveLength(1); // per function
    add('a', 'm1');
    expect(queue.lease('a', 10, 1000, never, T0 + DEDUPE_WINDOW_MS + 1).leased).toHaveLength(1);
  });
});

test('filtered records never overwrite an existing record', () => {
  db.transaction(() => {
    records.write({ fn: 'a', messageId: 'm1', status: 'delivered', attempts: 1, lastError: null, durationMs: 1, eventType: 'track', eventName: null, result: null, firstSeenAt: T0 }, T0);
    records.writeFiltered({ fn: 'a', messageId: 'm1', eventType: 'track', eventName: null }, T0 + 1);
    records.writeFiltered({ fn: 'a', messageId: 'm2', eventType: 'identify', eventName: null }, T0 + 1);
  })();
  expect(records.delivery('a', 'm1')?.status).toBe('delivered');
  expect(records.delivery('a', 'm2')).toMatchObject({ status: 'filtered', attempts: 0 });
});

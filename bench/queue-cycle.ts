/**
 * queue-cycle: the engine's SQLite work per delivered event (insert, lease, settle with its delivery record and
 * attempt row), through the engine's own Queue, RecordStore and settler, for two kinds of messageId alternated in
 * one run:
 *  - time-ordered, as analytics.js and analytics-node make them (`ajs-next-<ms>-<uuid>`): each new delivery record
 *    lands at the end of its table's key order;
 *  - random (a bare UUID, as the mobile SDKs send): each lands on a random page of the table, which the commit then
 *    writes whole to the WAL. (An event sent without a messageId gets `ingest-<ms>-<uuid>`, time first, for this.)
 * The loop is the engine's: inserts in requests of 100, leases of 17 (one worker message) while up to 200 are held,
 * settles in transactions of 51 (about what the settle buffer gathers at saturation). Each round is a new database,
 * holding `stored` delivery records first (a day's records of a busy function) with the same kind of messageId;
 * only the last two thirds of the round are measured.
 *     npx tsx bench/queue-cycle.ts [events per round] [rounds] [stored]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../runtime/local/db';
import { Queue, type LeasedMessage } from '../runtime/local/queue';
import { RecordStore } from '../runtime/local/records';
import { createSettler } from '../runtime/local/settle';
import { sampleEvent } from '../runtime/events/samples';
import { parseFunctionConfig } from '../runtime/function/config';
import { machineNote, median, note, printFigures } from './support/report';

const EVENTS = Math.max(3000, Number(process.argv[2]) || 30_000);
const ROUNDS = Math.max(1, Number(process.argv[3]) || 4);
const STORED = Math.max(0, Number(process.argv[4] ?? 100_000));
const HELD = 200;
const LEASE = 17;
const SETTLE = 51;
const template = sampleEvent('track');
const retry = parseFunctionConfig({}, 'function.json').retry;

type IdKind = 'time-ordered' | 'random';
const messageId: Record<IdKind, () => string> = {
  'time-ordered': () => `ajs-next-${Date.now()}-${randomUUID()}`,
  random: () => randomUUID(),
};

interface Cost { insert: number; lease: number; settle: number; total: number }

const cpuUs = (): number => { const u = process.cpuUsage(); return u.user + u.system; };

function storeRecords(db: ReturnType<typeof openDb>, kind: IdKind): void {
  const put = db.prepare(`INSERT INTO deliveries (function, message_id, status, attempts, event_type, event_name, result, first_seen_at, updated_at, attempt_ids)
    VALUES ('f', ?, 'delivered', 1, 'track', 'Order Completed', '{"ok":true}', ?, ?, '1')`);
  const since = Date.now() - 86_400_000;
  db.transaction(() => { for (let i = 0; i < STORED; i++) put.run(messageId[kind](), since + i, since + i); })();
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** µs of this process's CPU per event, by step. */
function round(kind: IdKind): Cost {
  const dir = mkdtempSync(join(tmpdir(), 'destfn-bench-cycle-'));
  const db = openDb(dir);
  try {
    storeRecords(db, kind);
    const queue = new Queue(db);
    const records = new RecordStore(db);
    const settle = createSettler(db, queue, records);
    const insert = db.transaction((n: number) => queue.insertMessages(Array.from({ length: n }, () => {
      const event = { ...template, messageId: messageId[kind]() };
      return { fn: 'f', messageId: event.messageId, event: JSON.stringify(event), eventType: 'track', eventName: 'Order Completed' };
    }), Date.now()));
    const held = new Map<number, LeasedMessage>();
    const filter = { held: (id: number) => held.has(id), busy: () => false };
    const spent = { insert: 0, lease: 0, settle: 0 };
    const measureFrom = Math.floor(EVENTS / 3);
    let inserted = 0;
    let settled = 0;
    while (settled < EVENTS) {
      const measured = settled >= measureFrom;
      let t = cpuUs();
      if (inserted < EVENTS) { insert(100); inserted += 100; }
      if (measured) spent.insert += cpuUs() - t;
      t = cpuUs();
      while (held.size < HELD) {
        const { leased } = queue.lease('f', LEASE, filter, held.size);
        for (const m of leased) held.set(m.id, m);
        if (leased.length < LEASE) break;
      }
      if (measured) spent.lease += cpuUs() - t;
      const group = [...held.values()].slice(0, SETTLE);
      const attempts = group.map((message) => ({
        message,
        outcome: { messageId: message.messageId, status: 'delivered' as const, reason: null, result: { ok: true }, error: null, logs: [], durationMs: 3.2 },
      }));
      t = cpuUs();
      settle([{ attempts, options: { retry, retryScale: 1 } }], Date.now());
      if (measured) spent.settle += cpuUs() - t;
      for (const m of group) held.delete(m.id);
      settled += group.length;
    }
    const n = settled - measureFrom;
    const cost = { insert: spent.insert / n, lease: spent.lease / n, settle: spent.settle / n };
    return { ...cost, total: cost.insert + cost.lease + cost.settle };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  machineNote();
  note(`${EVENTS} events per round (the last ${EVENTS - Math.floor(EVENTS / 3)} measured), ${ROUNDS} rounds of each kind alternated, ${STORED} records stored first`);
  round('time-ordered'); // warm-up
  const totals: Record<IdKind, number[]> = { 'time-ordered': [], random: [] };
  const ratios: number[] = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const order: IdKind[] = i % 2 ? ['time-ordered', 'random'] : ['random', 'time-ordered'];
    const costs = Object.fromEntries(order.map((kind) => [kind, round(kind)])) as Record<IdKind, Cost>;
    for (const kind of order) {
      const c = costs[kind];
      totals[kind].push(c.total);
      note(`round ${i}, ${kind}: ${c.total.toFixed(1)} µs per event (insert ${c.insert.toFixed(1)}, lease ${c.lease.toFixed(1)}, settle ${c.settle.toFixed(1)})`);
    }
    ratios.push(costs.random.total / costs['time-ordered'].total);
  }
  printFigures([
    { name: 'queue_cycle.time_ordered', value: median(totals['time-ordered']), unit: 'µs CPU per event, time-ordered messageIds (median of rounds)' },
    { name: 'queue_cycle.random', value: median(totals.random), unit: 'µs CPU per event, random messageIds (median of rounds)' },
    { name: 'queue_cycle.random_vs_time_ordered', value: median(ratios), unit: '× (median of the per-round ratios)', digits: 2 },
  ]);
}

main();

/**
 * lease: engine CPU per event of Queue.lease, for rows this engine inserted (their first lease, from memory:
 * fresh-rows.ts) against the same rows read back from the table (a Queue that remembers nothing), alternated
 * in one run. The loop is the dispatcher's: inserts in requests of 100 events, leases of 17 (one worker message of
 * results) while up to 200 are held, acks in groups of 100.
 *     npx tsx bench/lease.ts [events per round] [rounds]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../runtime/local/db';
import { Queue } from '../runtime/local/queue';
import { FreshRows } from '../runtime/local/fresh-rows';
import { sampleEvent } from '../runtime/events/samples';
import { machineNote, median, note, printFigures } from './support/report';

const EVENTS = Math.max(1000, Number(process.argv[2]) || 30_000);
const ROUNDS = Math.max(1, Number(process.argv[3]) || 4);
const HELD = 200;
const LEASE = 17;
const template = sampleEvent('track');

/** µs of this process's CPU per leased event, spent in Queue.lease only. */
function round(remember: boolean): number {
  const dir = mkdtempSync(join(tmpdir(), 'destfn-bench-lease-'));
  const db = openDb(dir);
  const queue = new Queue(db, new FreshRows(remember ? undefined : 0));
  let inserted = 0;
  let leased = 0;
  let leaseUs = 0;
  const held = new Set<number>();
  const insert = db.transaction((n: number) => queue.insertMessages(Array.from({ length: n }, () => {
    const event = { ...template, messageId: `lease-${inserted++}` };
    return { fn: 'f', messageId: event.messageId, event: JSON.stringify(event), eventType: 'track', eventName: 'Order Completed' };
  }), Date.now()));
  const ack = db.transaction((ids: number[]) => { for (const id of ids) queue.ack(id); });
  const filter = { held: (id: number) => held.has(id), busy: () => false };
  try {
    while (leased < EVENTS) {
      if (inserted < EVENTS) insert(100);
      while (held.size < HELD) {
        const before = process.cpuUsage();
        const { leased: got } = queue.lease('f', LEASE, filter, held.size);
        const spent = process.cpuUsage(before);
        leaseUs += spent.user + spent.system;
        for (const m of got) held.add(m.id);
        leased += got.length;
        if (got.length < LEASE) break;
      }
      const done = [...held].slice(0, 100);
      ack(done);
      for (const id of done) held.delete(id);
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return leaseUs / leased;
}

function main(): void {
  machineNote();
  note(`${EVENTS} events per round, ${ROUNDS} rounds; leases of ${LEASE} with up to ${HELD} held`);
  round(true); // warm-up
  const ratios: number[] = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const table = round(false);
    const memory = round(true);
    ratios.push(memory / table);
    note(`round ${i}: read back ${table.toFixed(1)} µs, from memory ${memory.toFixed(1)} µs per event (${(memory / table).toFixed(2)} ×)`);
  }
  printFigures([{ name: 'lease.fresh_vs_read_back', value: median(ratios), unit: '× the CPU per event of a lease that reads the rows back (median of rounds)', digits: 2 }]);
}

main();

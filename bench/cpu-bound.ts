/**
 * cpu-bound: how fast the local engine drains a backlog for a CPU-bound function (each event spins MS of CPU), with
 * the engine's default worker processes per function against one worker process, in the same run. A second worker
 * starts when the first is saturated and a core is free, and stays only if its trial shows a gain
 * (runtime/local/spread-trial.ts); the ratio is what that is worth on this machine.
 *     npx tsx bench/cpu-bound.ts [ms per event] [events]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../runtime/local/db';
import { startEngine } from '../runtime/local/engine';
import { childPids, isNodeProcess } from './support/proc-cpu';
import { machineNote, note, printFigures, sleep } from './support/report';

const MS = Math.max(1, Number(process.argv[2]) || 2);
const EVENTS = Math.max(1000, Number(process.argv[3]) || 6000);
const BATCH = 100;

/** Node processes this process started (the function workers). */
const workerProcesses = (): number => childPids(process.pid).filter(isNodeProcess).length;

/** Drain EVENTS queued events; seconds from the first POST until the queue is empty, and the most workers seen. */
async function drain(maxWorkersPerFunction: number | undefined): Promise<{ seconds: number; workers: number }> {
  const root = mkdtempSync(join(tmpdir(), 'destfn-bench-cpu-'));
  const fnDir = join(root, 'functions', 'spin');
  mkdirSync(fnDir, { recursive: true });
  writeFileSync(join(fnDir, 'index.js'), `async function onTrack(event) { const end = Date.now() + ${MS}; while (Date.now() < end); return 1; }\n`);
  const engine = await startEngine({
    functionsDir: join(root, 'functions'), dataDir: join(root, 'data'), port: 0, host: '127.0.0.1', quiet: true, watch: false, maxWorkersPerFunction,
  });
  const db = openDb(join(root, 'data'));
  try {
    const auth = `Basic ${Buffer.from(`${engine.writeKey}:`).toString('base64')}`;
    const started = Date.now();
    for (let b = 0; b < EVENTS / BATCH; b++) {
      const batch = Array.from({ length: BATCH }, (_, i) => ({ type: 'track', event: 'Spin', userId: 'u', messageId: `m-${b}-${i}` }));
      const res = await fetch(`${engine.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ batch }) });
      if (res.status !== 200) throw new Error(`engine answered ${res.status}: ${await res.text()}`);
    }
    const left = db.prepare('SELECT COUNT(*) FROM messages').pluck();
    let workers = 0;
    while ((left.get() as number) > 0) {
      workers = Math.max(workers, workerProcesses());
      await sleep(100);
    }
    return { seconds: (Date.now() - started) / 1000, workers };
  } finally {
    db.close();
    await engine.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  machineNote();
  note(`${EVENTS} events of a function that spins ${MS} ms of CPU each, queued as fast as the engine takes them`);
  const one = await drain(1);
  note(`one worker process: drained in ${one.seconds.toFixed(1)} s (${(EVENTS / one.seconds).toFixed(0)} events/s)`);
  const spread = await drain(undefined);
  note(`default (up to one per core): drained in ${spread.seconds.toFixed(1)} s (${(EVENTS / spread.seconds).toFixed(0)} events/s), at most ${spread.workers} worker process(es)`);
  printFigures([
    { name: 'cpu_bound.events_per_second', value: EVENTS / spread.seconds, unit: `events/s (${MS} ms of CPU each)`, digits: 0 },
    { name: 'cpu_bound.speedup', value: one.seconds / spread.seconds, unit: '× one worker process (same run)', digits: 2 },
  ]);
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });

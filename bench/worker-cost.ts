/**
 * worker-cost: what a function worker process adds to the function's own HTTP request (issue 15 §4).
 *
 * The sink runs in a process of its own (support/sink-child.ts). Two loads are alternated, ROUNDS times each:
 *  - raw: IN_FLIGHT lanes of node-fetch 2 with a keep-alive agent (the client function code gets) POSTing one event
 *    each, in this process: its CPU per event is the client's.
 *  - worker: one function worker process (WorkerPool, maxWorkers 1, concurrency IN_FLIGHT) running the webhook
 *    example against the same sink, kept full from this process: the worker's CPU per event (its own process, from
 *    /proc) and the pool side's (this process: IPC, bookkeeping).
 * Printed: each round's CPU per event, and worker / raw with both measured in the same round.
 *     npx tsx bench/worker-cost.ts [events per round] [rounds] [in flight]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inLanes, nodeFetchPost } from './support/bench-event';
import { sampleEvent } from '../runtime/events/samples';
import { loadAllFunctions } from '../runtime/local/loader';
import { workerEntry } from '../runtime/local/worker-bundle';
import { WorkerPool, type PoolTask } from '../runtime/local/worker-pool';
import { startChild } from './support/child';
import { childPids, ownCpuMs, processCpuMs } from './support/proc-cpu';
import { machineNote, note, printFigures } from './support/report';

const EVENTS = Math.max(1000, Number(process.argv[2]) || 20_000);
const ROUNDS = Math.max(1, Number(process.argv[3]) || 3);
const IN_FLIGHT = Math.max(1, Number(process.argv[4]) || 10);
const REPO = resolve(__dirname, '..');

const template = sampleEvent('track');
let seq = 0;
const eventJson = (): string => JSON.stringify({ ...template, messageId: `wc-${seq++}` });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function rawRound(url: string, agent: http.Agent): Promise<number> {
  const cpu = ownCpuMs();
  await inLanes(EVENTS, IN_FLIGHT, () => nodeFetchPost(url, eventJson(), agent));
  return ((ownCpuMs() - cpu) * 1000) / EVENTS;
}

/** Told how many results the pool just reported (set by each worker round). */
let onResults: (count: number) => void = () => undefined;

async function workerRound(pool: WorkerPool, workerPid: () => number): Promise<{ worker: number; pool: number }> {
  let sent = 0;
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => { finish = r; });
  const feed = () => {
    const n = Math.min(pool.freeSlots(), EVENTS - sent);
    if (n <= 0) return;
    const tasks: PoolTask[] = Array.from({ length: n }, () => ({ id: ++seq, messageId: '', event: eventJson() }));
    sent += n;
    pool.submit(tasks);
  };
  onResults = (count) => {
    done += count;
    if (done >= EVENTS) finish();
    else feed();
  };
  const pid = workerPid();
  const workerCpu = processCpuMs(pid);
  const poolCpu = ownCpuMs();
  feed();
  await finished;
  return { worker: ((processCpuMs(pid) - workerCpu) * 1000) / EVENTS, pool: ((ownCpuMs() - poolCpu) * 1000) / EVENTS };
}

async function main(): Promise<void> {
  machineNote();
  note(`${EVENTS} events per round, ${ROUNDS} rounds, ${IN_FLIGHT} in flight; sink in its own process`);
  const sink = await startChild<{ url: string }>([join(__dirname, 'support', 'sink-child.ts'), '0'], { nodeArgs: ['--import', 'tsx'] });
  const root = mkdtempSync(join(tmpdir(), 'destfn-bench-worker-'));
  const fnDir = join(root, 'functions', 'webhook');
  cpSync(join(REPO, 'functions', 'webhook'), fnDir, { recursive: true });
  rmSync(join(fnDir, 'settings.local.json'), { force: true });
  writeFileSync(join(fnDir, 'settings.json'), JSON.stringify({ url: `${sink.info.url}/hook` }));
  const fn = loadAllFunctions(join(root, 'functions')).find((f) => f.definition.name === 'webhook')!;
  const entry = await workerEntry();
  let failed = 0;
  const pool = new WorkerPool({
    definition: fn.definition,
    settings: fn.settings,
    concurrency: IN_FLIGHT,
    maxWorkers: 1,
    timeoutMs: 10_000,
    entry,
    onResults: (results) => {
      failed += results.filter((r) => r.outcome.status !== 'delivered').length;
      onResults(results.length);
    },
    onReleased: () => undefined,
    onNotice: (text) => note(`pool: ${text}`),
  });
  const agent = new http.Agent({ keepAlive: true });
  const cmdline = (pid: number): string => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } };
  // The worker process (not the sink, nor esbuild's service that bundled the worker).
  const workerPid = () => childPids(process.pid).find((pid) => cmdline(pid).includes(entry)) ?? NaN;
  try {
    // Warm-up: JIT, connections, the worker's start.
    await rawRound(`${sink.info.url}/raw`, agent);
    await workerRound(pool, workerPid);
    const raw: number[] = [];
    const worker: number[] = [];
    const poolSide: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      raw.push(await rawRound(`${sink.info.url}/raw`, agent));
      const w = await workerRound(pool, workerPid);
      worker.push(w.worker);
      poolSide.push(w.pool);
      note(`round ${round}: raw client ${raw.at(-1)!.toFixed(0)} µs, worker process ${w.worker.toFixed(0)} µs (${(w.worker / raw.at(-1)!).toFixed(2)} × raw), pool side ${w.pool.toFixed(0)} µs per event`);
    }
    if (failed > 0) throw new Error(`${failed} event(s) not delivered`);
    printFigures([
      { name: 'worker_cost.raw_client', value: median(raw), unit: 'µs CPU per event (node-fetch 2 keep-alive, median of rounds)', digits: 0 },
      { name: 'worker_cost.worker_process', value: median(worker), unit: 'µs CPU per event (the webhook example in one worker process)', digits: 0 },
      { name: 'worker_cost.pool_side', value: median(poolSide), unit: 'µs CPU per event (the engine side of the pool)', digits: 0 },
      { name: 'worker_cost.ratio', value: median(worker.map((w, i) => w / raw[i])), unit: '× the raw client (median of per-round ratios)', digits: 2 },
    ]);
  } finally {
    await pool.close(0);
    agent.destroy();
    await sink.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });

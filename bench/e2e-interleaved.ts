/**
 * e2e-interleaved: the engine's CPU per delivered event against the raw node-fetch loop's (issue 15 §4: ≤ 1.32 ×, the
 * issue's 100 µs against its 76), with the two measured in alternating short rounds.
 *
 * bench/e2e.ts measures the raw loop before and after one long engine run. This VM's speed drifts by ±20 % within
 * a minute, so that ratio moves with the drift (its baselines have disagreed by up to ×1.41 in one run). Here each
 * round measures the raw loop (client + sink CPU, one thread, as in e2e) and then an engine burst (engine process +
 * function workers, the same webhook example and sink, ROUND_EVENTS sent as /v1/batch of 100 and waited for), a few
 * seconds apart. Each round gives a ratio; the median of the rounds is the figure.
 *     npx tsx bench/e2e-interleaved.ts [rounds] [events per round]
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BATCH_SIZE, loadBatches, rawLoop } from './support/e2e-load';
import { startEngineProcess } from './support/engine-process';
import { processTreeCpuMs } from './support/proc-cpu';
import { machineNote, median, note, printFigures } from './support/report';
import { startSink } from './support/sink';

const ROUNDS = Math.max(3, Number(process.argv[2]) || 9);
const ROUND_EVENTS = Math.max(2_000, Math.round((Number(process.argv[3]) || 10_000) / BATCH_SIZE) * BATCH_SIZE);
const LANES = 10;
const WARMUP_BATCHES = 40;
const ROUND_TIMEOUT_MS = 120_000;
const TARGET = 1.32;
const REPO = resolve(__dirname, '..');

async function main(): Promise<void> {
  machineNote();
  const sink = await startSink();
  const root = mkdtempSync(join(tmpdir(), 'destfn-bench-e2ei-'));
  const fnDir = join(root, 'functions', 'webhook');
  cpSync(join(REPO, 'functions', 'webhook'), fnDir, { recursive: true });
  rmSync(join(fnDir, 'settings.local.json'), { force: true });
  writeFileSync(join(fnDir, 'settings.json'), JSON.stringify({ url: `${sink.url}/hook` }));
  note(`webhook example as shipped, engine in a child process; ${ROUNDS} rounds of ${ROUND_EVENTS} raw-loop POSTs (node-fetch 2, ${LANES} in flight) then ${ROUND_EVENTS} events through the engine (/v1/batch of ${BATCH_SIZE}, ${LANES} in flight)`);

  const engine = await startEngineProcess(join(root, 'functions'), join(root, 'data'));
  try {
    sink.reset();
    await loadBatches(engine.url, engine.writeKey, WARMUP_BATCHES, LANES, 'warm');
    await sink.waitFor(WARMUP_BATCHES * BATCH_SIZE, ROUND_TIMEOUT_MS);
    await rawLoop(sink, 0, LANES, 'node-fetch'); // its warm-up only

    const raws: number[] = [], engines: number[] = [], ratios: number[] = [], rates: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const raw = await rawLoop(sink, ROUND_EVENTS, LANES, 'node-fetch', 0);
      sink.reset();
      const cpu0 = processTreeCpuMs(engine.pid);
      const run = await loadBatches(engine.url, engine.writeKey, ROUND_EVENTS / BATCH_SIZE, LANES, `r${round}`);
      await sink.waitFor(run.events, ROUND_TIMEOUT_MS);
      const engineUs = ((processTreeCpuMs(engine.pid) - cpu0) * 1000) / run.events;
      const delivered = run.events / ((sink.lastAt - run.started) / 1000);
      raws.push(raw.cpuUs);
      engines.push(engineUs);
      ratios.push(engineUs / raw.cpuUs);
      rates.push(delivered / raw.rate);
      note(`round ${round}: raw loop ${raw.cpuUs.toFixed(0)} µs/event (${raw.rate.toFixed(0)} events/s), engine ${engineUs.toFixed(0)} µs/event (${delivered.toFixed(0)} events/s): ${(engineUs / raw.cpuUs).toFixed(2)} ×`);
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    note(`ratios of the rounds: ${sorted.map((r) => r.toFixed(2)).join(' ')}; ${ratios.filter((r) => r <= TARGET).length} of ${ROUNDS} ≤ ${TARGET}`);
    printFigures([
      { name: 'e2e_interleaved.raw_loop_cpu_per_event', value: median(raws), unit: 'µs (median of the rounds: node-fetch loop client + sink, one thread)', digits: 0 },
      { name: 'e2e_interleaved.engine_cpu_per_event', value: median(engines), unit: 'µs (median of the rounds: engine process + function workers)', digits: 0 },
      { name: 'e2e_interleaved.rate_vs_raw_loop', value: median(rates), unit: '× the raw loop\'s events/s (median of the rounds; bursts of a few seconds, so lower than e2e.ratio)', digits: 2 },
      { name: 'e2e_interleaved.engine_cpu_vs_raw_loop', value: median(ratios), unit: `× the raw loop's CPU per event (median of the rounds' ratios; target ≤ ${TARGET})`, digits: 2 },
    ]);
  } finally {
    await engine.stop();
    await sink.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });

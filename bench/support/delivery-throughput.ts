/**
 * bench:aws-path's delivery throughput phase (issue 15 §1: ≥ 1,000 events/s to a 100 ms destination with the
 * defaults). The queue is filled first; then the event source's concurrent invocations run in CHILDREN processes
 * of their own (invocations-child.ts: each invocation one destination handler, as one Lambda instance), the sink
 * in its own process (sink-child.ts), fauxqs and dynalite in theirs, the handlers talking to them directly (no
 * metering proxy). Delivered events/s = events / (last delivery − start). Run with a 100 ms and a 0 ms sink: equal
 * rates say the destination's latency is not the limit, the CPU of this machine is.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionTiming } from '../../lib/function-timing';
import { startChild, type ChildHandle } from './child';
import { askChild } from './control-server';
import type { QueueRef } from './event-source';
import { processCpuMs } from './proc-cpu';
import { fmt, note } from './report';
import { stageWebhookFunction } from './shipped-lambdas';
import { now } from './sink';

export interface ThroughputDeps {
  events: number;
  children: number;
  timing: FunctionTiming;
  /** Fills the function's queue with `events` events (through the ingest handler). */
  fill(events: number): Promise<void>;
  fnQueue: QueueRef;
  root: string;
  /** The handlers' environment, endpoints included (fauxqs and dynalite directly). */
  env: NodeJS.ProcessEnv;
  /** Processes whose CPU is counted besides the children and the sink (fauxqs, dynalite). */
  servers: Record<string, number>;
  timeoutMs: number;
}

export interface ThroughputResult {
  rate: number; seconds: number; invocations: number; failures: number; busyCores: number; cpu: string;
  /** The adaptive concurrency limits the instances reported (EMF ConcurrencyLimit): min, median, max. */
  limits: string;
  /** The most requests the sink held unanswered at once: the events in flight at the destination. */
  peakInFlight: number;
}

interface SinkInfo { url: string; control: number }
interface SinkState { count: number; distinct: number; firstAt: number; lastAt: number; peakInFlight: number }
interface InvocationState { invocations: number; failures: number; logBytes: number; errors: string[]; limits: number[] }

export async function deliveryThroughput(d: ThroughputDeps, sinkDelayMs: number): Promise<ThroughputResult> {
  const tsx = { nodeArgs: ['--import', 'tsx'] };
  const sink = await startChild<SinkInfo>([join(__dirname, 'sink-child.ts'), String(sinkDelayMs)], tsx);
  const children: Array<ChildHandle<{ control: number }>> = [];
  try {
    const functionDir = stageWebhookFunction(mkdtempSync(join(d.root, 'fn-')), `${sink.info.url}/hook`);
    await d.fill(d.events);
    const { timing } = d;
    const perChild = split(timing.maxConcurrency, d.children);
    for (const invocations of perChild) {
      children.push(await startChild<{ control: number }>([join(__dirname, 'invocations-child.ts')], {
        nodeArgs: [...tsx.nodeArgs, ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
        env: {
          ...d.env, DESTFN_FUNCTION_DIR: functionDir, DESTFN_RECORD_CONCURRENCY: String(timing.recordParallelism),
          BENCH_INVOCATIONS: String(invocations), BENCH_QUEUE_URL: d.fnQueue.url, BENCH_QUEUE_ARN: d.fnQueue.arn,
          BENCH_BATCH_SIZE: String(timing.batchSize), BENCH_WINDOW_MS: String(timing.maxBatchingWindowSeconds * 1000),
          BENCH_TIMEOUT_MS: String(timing.lambdaTimeoutSeconds * 1000),
        },
      }));
    }
    const pids = { ...d.servers, sink: sink.pid, ...Object.fromEntries(children.map((c, i) => [`invocations${i + 1}`, c.pid])) };
    const cpu0 = cpuOf(pids);
    const started = now();
    await Promise.all(children.map((c) => askChild(c.info.control, true)));
    let state = await askChild<SinkState>(sink.info.control);
    while (state.count < d.events) {
      if (now() - started > d.timeoutMs) throw new Error(`throughput: ${state.count}/${d.events} delivered after ${d.timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
      state = await askChild<SinkState>(sink.info.control);
    }
    const cpu1 = cpuOf(pids);
    const seconds = (state.lastAt - started) / 1000;
    const stats = await Promise.all(children.map((c) => askChild<InvocationState>(c.info.control)));
    const errors = stats.flatMap((s) => s.errors);
    if (errors.length > 0) note(`throughput: poller errors: ${errors.slice(0, 3).join('; ')}`);
    if (state.distinct !== state.count) note(`throughput: ${state.count - state.distinct} duplicate deliveries`);
    const wallMs = now() - started;
    const used = Object.fromEntries(Object.keys(pids).map((k) => [k, cpu1[k] - cpu0[k]]));
    const total = Object.values(used).reduce((a, b) => a + b, 0);
    const handlerCpu = Object.entries(used).filter(([k]) => k.startsWith('invocations')).reduce((a, [, v]) => a + v, 0);
    return {
      rate: d.events / seconds,
      seconds,
      invocations: stats.reduce((n, s) => n + s.invocations, 0),
      failures: stats.reduce((n, s) => n + s.failures, 0),
      busyCores: total / wallMs,
      peakInFlight: state.peakInFlight,
      limits: spread(stats.flatMap((s) => s.limits)),
      cpu: `handlers ${fmt((handlerCpu * 1000) / d.events, 0)} µs/event, ${Object.entries(used).filter(([k]) => !k.startsWith('invocations'))
        .map(([k, v]) => `${k} ${fmt((v * 1000) / d.events, 0)} µs`).join(', ')}`,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await sink.stop();
    // A poller stopped in a long poll leaves its ReceiveMessage open in fauxqs until its wait ends: messages sent
    // before then would be handed to it and stay invisible for the queue's visibility timeout (60 s).
    await new Promise((r) => setTimeout(r, LONG_POLL_MS + 1000));
  }
}

/** The event source's long poll (event-source.ts receiveBatch: WaitTimeSeconds 1). */
const LONG_POLL_MS = 1000;

/** `total` invocations over `parts` processes, as evenly as possible. */
function split(total: number, parts: number): number[] {
  const n = Math.max(1, Math.min(parts, total));
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

function spread(values: number[]): string {
  if (values.length === 0) return 'none reported';
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[0]} / ${sorted[Math.floor(sorted.length / 2)]} / ${sorted[sorted.length - 1]} (min / median / max of ${sorted.length})`;
}

function cpuOf(pids: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuMs(pid)]));
}

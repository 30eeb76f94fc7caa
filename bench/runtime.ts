/**
 * runtime: per-event overhead of FunctionInstance.invoke (drop paths + JSON copy of the event into the
 * function's realm, dispatch by type, the guarded call with its timeout timer, classification, log
 * capture, secret redaction) with a no-op handler, against calling the very same handler directly.
 *
 * Both run sequentially (await each call), so the difference per event is the runtime's cost per event.
 * A secret setting (apiKey) is set so the redactor is a real one, not the no-op it is without secrets.
 * Target: ≤ 20 µs per event.   npx tsx bench/runtime.ts [events]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { createFunctionInstance } from '../runtime/function/instance';
import { readFunctionDefinition } from '../runtime/function/definition';
import { resolveSettings } from '../runtime/settings/resolve';
import { sampleEvent } from '../runtime/events/samples';
import type { SegmentEvent } from '../runtime/events/types';
import { machineNote, note, printFigures } from './support/report';

const EVENTS = Math.max(100_000, Number(process.argv[2]) || 200_000);
const WARMUP = 20_000;
const ROUNDS = 3;

const NOOP = 'async function onTrack(event, settings) {}\n';
const LOGGING = "async function onTrack(event, settings) { console.log('sent', event.event, 'with', settings.apiKey); }\n";

function functionDir(root: string, name: string, code: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.js'), code);
  writeFileSync(join(dir, 'function.json'), JSON.stringify({ drop: ['context.ip'] }));
  return dir;
}

/** Best of ROUNDS, µs per event. */
async function timePerEvent(n: number, call: (event: SegmentEvent) => Promise<unknown>, events: SegmentEvent[]): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await call(events[i % events.length]);
    const us = Number(process.hrtime.bigint() - started) / 1000 / n;
    best = Math.min(best, us);
  }
  return best;
}

async function measure(root: string, name: string, code: string): Promise<{ invoke: number; direct: number; delivered: boolean }> {
  const def = readFunctionDefinition(functionDir(root, name, code));
  const settings = resolveSettings(def, { apiKey: 'sk_live_bench_0123456789abcdef' });
  const instance = createFunctionInstance(def, settings);

  // The baseline: the same source in a bare vm context, handler called with the same arguments.
  const context = vm.createContext({ console: { log: () => undefined } });
  new vm.Script(code).runInContext(context);
  const direct = vm.runInContext('onTrack', context) as (event: unknown, settings: unknown) => Promise<unknown>;

  const events = Array.from({ length: 64 }, (_, i) => ({ ...sampleEvent('track'), messageId: `m-${i}` }));
  const first = await instance.invoke(events[0]);
  for (let i = 0; i < WARMUP; i++) { await instance.invoke(events[i % 64]); await direct(events[i % 64], settings); }

  const directUs = await timePerEvent(EVENTS, (e) => direct(e, settings), events);
  const invokeUs = await timePerEvent(EVENTS, (e) => instance.invoke(e), events);
  instance.dispose();
  return { invoke: invokeUs, direct: directUs, delivered: first.status === 'delivered' };
}

async function main(): Promise<void> {
  machineNote();
  const root = mkdtempSync(join(tmpdir(), 'destfn-bench-runtime-'));
  try {
    note(`${EVENTS} events per round, best of ${ROUNDS} rounds, sequential awaits, after ${WARMUP} warm-up calls`);
    const noop = await measure(root, 'noop', NOOP);
    if (!noop.delivered) throw new Error('the no-op handler did not deliver');
    const logging = await measure(root, 'logging', LOGGING);
    note(`with one console.log line per event (captured + redacted): invoke ${logging.invoke.toFixed(2)} µs, direct ${logging.direct.toFixed(2)} µs, overhead ${(logging.invoke - logging.direct).toFixed(2)} µs`);
    const overhead = noop.invoke - noop.direct;
    printFigures([
      { name: 'runtime.direct_call', value: noop.direct, unit: 'µs/event (baseline: the handler called directly)', digits: 2 },
      { name: 'runtime.invoke', value: noop.invoke, unit: 'µs/event (FunctionInstance.invoke)', digits: 2 },
      { name: 'runtime.overhead', value: overhead, unit: 'µs/event (target ≤ 20)', digits: 2 },
      { name: 'runtime.ratio', value: noop.invoke / noop.direct, unit: '× the baseline per event', digits: 1 },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });

/**
 * A function worker thread: loads one function once, keeps the events the pool sends in a queue,
 * runs `parallelism` of them at once, and reports outcomes in messages coalesced over a couple of
 * milliseconds: a busy worker costs a message per several events each way, not one per event.
 * Which events are running is kept in shared memory (see WorkerInit.running), free of messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFunctionInstance, type FunctionInstance } from '../function/instance';
import type { SegmentEvent } from '../events/types';
import type { Outcome } from '../delivery';
import { secretValues } from '../settings/resolve';
import { createRedactor } from '../settings/redact';
import type { FromWorker, ToWorker, WorkerInit, WorkerTask } from './worker-protocol';

const FLUSH_MS = 2;
const FLUSH_AT = 64;

const port = parentPort!;
const init = workerData as WorkerInit;
const redact = createRedactor(safeSecrets());
// onBatch functions get chunks (invokeBatch); others one event per invoke, so a slow event never
// holds the slots of faster ones. A mention of onBatch in a comment only costs that granularity.
const batches = /\bonBatch\b/.test(init.definition.source.code);

function safeSecrets(): string[] {
  try { return secretValues(init.definition, init.settings); } catch { return []; }
}

function send(message: FromWorker): void {
  port.postMessage(message);
}

let results: { id: number; outcome: Outcome }[] = [];
let flushTimer: NodeJS.Timeout | null = null;
const running = new BigInt64Array(init.running);

function flush(): void {
  if (flushTimer) { clearTimeout(flushTimer); flushTimer = null; }
  if (results.length === 0) return;
  const message: FromWorker = { type: 'progress', results };
  results = [];
  try {
    send(message);
  } catch {
    // A result that cannot be cloned (functions, symbols…): keep only its JSON form.
    send({ ...message, results: message.results.map((r) => ({ id: r.id, outcome: { ...r.outcome, result: jsonSafe(r.outcome.result) } })) });
  }
}

function scheduleFlush(): void {
  if (results.length >= FLUSH_AT) flush();
  else if (!flushTimer) flushTimer = setTimeout(flush, FLUSH_MS);
}

function jsonSafe(value: unknown): unknown {
  try { return value === undefined ? undefined : JSON.parse(JSON.stringify(value) ?? 'null'); } catch { return String(value); }
}

function done(id: number, outcome: Outcome): void {
  results.push({ id, outcome });
  scheduleFlush();
}

function failure(messageId: string, err: unknown): Outcome {
  const error = err instanceof Error ? { name: err.name, message: redact(err.message) } : { name: 'Error', message: redact(String(err)) };
  return { messageId, status: 'retry', reason: 'error', result: undefined, error, logs: [], durationMs: 0 };
}

async function runChunk(instance: FunctionInstance, tasks: WorkerTask[]): Promise<void> {
  const events: SegmentEvent[] = [];
  const ids: number[] = [];
  for (const task of tasks) {
    try {
      events.push(JSON.parse(task.event) as SegmentEvent);
      ids.push(task.id);
    } catch (err) {
      done(task.id, { ...failure('', err), status: 'discarded', reason: 'invalid-event' });
    }
  }
  if (events.length === 0) return;
  try {
    const outcomes = events.length === 1 ? [await instance.invoke(events[0])] : await instance.invokeBatch(events);
    ids.forEach((id, i) => done(id, outcomes[i] ?? failure(events[i].messageId, new Error('no outcome for this event'))));
  } catch (err) {
    ids.forEach((id, i) => done(id, failure(events[i].messageId, err)));
  }
}

const waiting: WorkerTask[] = [];
let runningCount = 0;

/** Mark `id` running in the shared table; returns its cell. */
function markRunning(id: number): number {
  const cell = running.indexOf(0n);
  Atomics.store(running, cell, BigInt(id));
  return cell;
}

function pump(instance: FunctionInstance): void {
  while (runningCount < init.parallelism && waiting.length > 0) {
    const chunk = waiting.splice(0, batches ? init.parallelism - runningCount : 1);
    runningCount += chunk.length;
    const cells = chunk.map((task) => markRunning(task.id));
    void runChunk(instance, chunk).finally(() => {
      for (const cell of cells) Atomics.store(running, cell, 0n);
      runningCount -= chunk.length;
      pump(instance);
    });
  }
}

// A stray rejection from a handler's fire-and-forget promise must not take down the other events.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(redact(`[${init.definition.name}] unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}\n`));
});

let instance: FunctionInstance | null = null;
try {
  instance = createFunctionInstance(init.definition, init.settings);
  send({ type: 'ready', loadLogs: instance.loadLogs });
} catch (err) {
  send({ type: 'load-error', error: { name: err instanceof Error ? err.name : 'Error', message: redact(err instanceof Error ? err.message : String(err)) } });
}

port.on('message', (message: ToWorker) => {
  if (!instance) return;
  if (message.type === 'run') {
    waiting.push(...message.tasks);
    pump(instance);
  } else if (message.type === 'drain') {
    flush();
    send({ type: 'released', ids: waiting.splice(0).map((t) => t.id) });
  }
});

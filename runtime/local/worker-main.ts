/**
 * A function's worker process: loads one function once, keeps the events the pool sends in a queue,
 * runs `parallelism` of them at once, and reports outcomes in coalesced messages: a busy worker costs
 * a message per several events each way, not one per event. Before any handler starts, the ids it
 * starts are sent (a small message of their own), so the pool knows what was running if the
 * process then hangs or dies. It runs under Node's permission model (worker-launch.ts); the
 * process is locked down further before the function's code loads (worker-lockdown.ts).
 */
import { createFunctionInstance, type FunctionInstance } from '../function/instance';
import type { SegmentEvent } from '../events/types';
import type { Outcome } from '../delivery';
import { secretValues } from '../settings/resolve';
import { createRedactor, type Redactor } from '../settings/redact';
import type { FromWorker, ToWorker, WorkerInit, WorkerResult, WorkerTask } from './worker-protocol';
import { lockDownProcess } from './worker-lockdown';
import { performance } from 'node:perf_hooks';

const FLUSH_MS = 2;
const FLUSH_AT = 64;

// Taken before the function's code runs: whatever it does to `process` later, the worker still talks to the pool.
const ipcSend = process.send!.bind(process) as (message: FromWorker) => boolean;
const exit = process.exit.bind(process);
const stderr = process.stderr;

let results: WorkerResult[] = [];
let flushTimer: NodeJS.Timeout | null = null;
let loopUse = performance.eventLoopUtilization();
let loopUseAt = Date.now();
const BUSY_EVERY_MS = 250;

/** How busy the event loop was since the last report (sent at most every BUSY_EVERY_MS): the pool spreads a CPU-bound function over more workers. */
function busySinceLast(): number | undefined {
  const now = Date.now();
  if (now - loopUseAt < BUSY_EVERY_MS) return undefined;
  const since = performance.eventLoopUtilization(loopUse);
  loopUse = performance.eventLoopUtilization();
  loopUseAt = now;
  return Math.min(1, Math.max(0, since.utilization));
}

function send(message: FromWorker): void {
  try {
    ipcSend(message);
  } catch {
    // A result that cannot be cloned (functions, symbols…): keep only its JSON form.
    if (message.type !== 'progress') throw new Error(`cannot send ${message.type}`);
    ipcSend({ ...message, results: message.results.map((r) => ({ id: r.id, outcome: { ...r.outcome, result: jsonSafe(r.outcome.result) } })) });
  }
}

/** Sends the outcomes gathered so far. */
function flush(): void {
  if (flushTimer) { clearTimeout(flushTimer); flushTimer = null; }
  if (results.length === 0) return;
  const message: FromWorker = { type: 'progress', started: [], results, busy: busySinceLast() };
  results = [];
  send(message);
}

/**
 * Says which ids are about to run, before their code runs, with the outcomes gathered so far: the events
 * that finished are what made room for these, so one message carries both.
 */
function announce(started: number[]): void {
  if (flushTimer) { clearTimeout(flushTimer); flushTimer = null; }
  const message: FromWorker = { type: 'progress', started, results, busy: busySinceLast() };
  results = [];
  send(message);
}

function scheduleFlush(): void {
  if (results.length >= FLUSH_AT) flush();
  else if (!flushTimer) flushTimer = setTimeout(flush, FLUSH_MS);
}

function jsonSafe(value: unknown): unknown {
  try { return value === undefined ? undefined : JSON.parse(JSON.stringify(value) ?? 'null'); } catch { return String(value); }
}

function startWorker(init: WorkerInit): void {
  const redact = createRedactor(safeSecrets(init));
  const waiting: WorkerTask[] = [];
  let runningCount = 0;
  let pumpScheduled = false;

  const done = (id: number, outcome: Outcome) => {
    results.push({ id, outcome });
    scheduleFlush();
  };

  const invalidEvent = (id: number, err: unknown) => done(id, { ...failure(redact, '', err), status: 'discarded', reason: 'invalid-event' });

  /** One event: its JSON goes straight into the function's realm (parsed once, not parsed here and copied in). */
  const runOne = async (instance: FunctionInstance, task: WorkerTask): Promise<void> => {
    let outcome: Promise<Outcome>;
    try {
      outcome = instance.invokeJson(task.event);
    } catch (err) {
      return invalidEvent(task.id, err);
    }
    try {
      done(task.id, await outcome);
    } catch (err) {
      done(task.id, failure(redact, messageIdIn(task.event), err));
    }
  };

  const runChunk = async (instance: FunctionInstance, tasks: WorkerTask[]): Promise<void> => {
    if (tasks.length === 1) return runOne(instance, tasks[0]);
    const events: SegmentEvent[] = [];
    const ids: number[] = [];
    for (const task of tasks) {
      try {
        events.push(JSON.parse(task.event) as SegmentEvent);
        ids.push(task.id);
      } catch (err) {
        invalidEvent(task.id, err);
      }
    }
    if (events.length === 0) return;
    try {
      const outcomes = await instance.invokeTogether(events);
      ids.forEach((id, i) => done(id, outcomes[i] ?? failure(redact, events[i].messageId, new Error('no outcome for this event'))));
    } catch (err) {
      ids.forEach((id, i) => done(id, failure(redact, events[i].messageId, err)));
    }
  };

  // Events that finish in the same turn of the event loop start their successors together: one message.
  const schedulePump = (instance: FunctionInstance) => {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => { pumpScheduled = false; pump(instance); });
  };

  const pump = (instance: FunctionInstance) => {
    const chunks: WorkerTask[][] = [];
    while (runningCount < init.parallelism && waiting.length > 0) {
      // onBatch functions get chunks (invokeBatch); others one event per invoke, so a slow event never
      // holds the slots of faster ones.
      const chunk = waiting.splice(0, instance.hasOnBatch ? init.parallelism - runningCount : 1);
      runningCount += chunk.length;
      chunks.push(chunk);
    }
    if (chunks.length === 0) return;
    announce(chunks.flatMap((chunk) => chunk.map((t) => t.id)));
    for (const chunk of chunks) {
      void runChunk(instance, chunk).finally(() => {
        runningCount -= chunk.length;
        schedulePump(instance);
      });
    }
  };

  // A stray rejection from a handler's fire-and-forget promise must not take down the other events.
  process.on('unhandledRejection', (reason) => {
    stderr.write(redact(`[${init.definition.name}] unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}\n`));
  });

  let instance: FunctionInstance | null = null;
  try {
    instance = createFunctionInstance(init.definition, init.settings);
    send({ type: 'ready', loadLogs: instance.loadLogs });
  } catch (err) {
    send({ type: 'load-error', error: { name: err instanceof Error ? err.name : 'Error', message: redact(err instanceof Error ? err.message : String(err)) } });
  }

  process.on('message', (message: ToWorker) => {
    if (!instance) return;
    if (message.type === 'run') {
      waiting.push(...message.tasks);
      pump(instance);
    } else if (message.type === 'drain') {
      flush();
      send({ type: 'released', ids: waiting.splice(0).map((t) => t.id) });
    }
  });
}

function safeSecrets(init: WorkerInit): string[] {
  try { return secretValues(init.definition, init.settings); } catch { return []; }
}

/** The messageId of an event given as JSON, for an outcome the function never produced (it threw past its guard). */
function messageIdIn(json: string): string {
  try {
    const id = (JSON.parse(json) as { messageId?: unknown } | null)?.messageId;
    return typeof id === 'string' ? id : '';
  } catch {
    return '';
  }
}

function failure(redact: Redactor, messageId: string, err: unknown): Outcome {
  const error = err instanceof Error ? { name: err.name, message: redact(err.message) } : { name: 'Error', message: redact(String(err)) };
  return { messageId, status: 'retry', reason: 'error', result: undefined, error, logs: [], durationMs: 0 };
}

// The engine went away (stopped, or killed): nothing left to do.
process.on('disconnect', () => exit(0));

process.once('message', (message: ToWorker) => {
  if (message.type !== 'init') return exit(1);
  lockDownProcess();
  startWorker(message.init);
});

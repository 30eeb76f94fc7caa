/**
 * One pool of worker processes per function (worker-launch.ts: each under Node's permission model,
 * so function code never shares a process with the engine or another function). A worker runs at
 * most its share of the function's `maxConcurrency` events at once and holds a few more queued, so
 * it never waits for the engine between events. A worker that goes silent past the timeout while
 * holding events is stuck (a synchronous `while(true){}`: the in-process timeout cannot fire; a
 * healthy worker answers within the timeout because every running event ends by then): it is killed
 * and replaced. The events it had started get a retryable timeout outcome; the rest it held is
 * handed back unattempted. A crashed worker (or one sending what no worker sends) is handled the same way.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { FunctionDefinition } from '../function/definition';
import type { Outcome, OutcomeError, OutcomeReason } from '../delivery';
import type { Settings } from '../settings/resolve';
import { isFromWorker, type ToWorker, type WorkerInit } from './worker-protocol';
import { WORKER_BOOTSTRAP } from './worker-bundle';
import { assertWorkerSandbox, launchWorker } from './worker-launch';
import { IdleCores } from './idle-cores';
import { SpreadTrial } from './spread-trial';
import { classifyWorkerLine } from './worker-output';
import type { ProcessList } from './worker-pids';

export interface PoolTask { id: number; messageId: string; event: string }
export interface PoolResult { task: PoolTask; outcome: Outcome }

export interface PoolOptions {
  definition: FunctionDefinition;
  settings: Settings;
  /** Total events running at once (the function's maxConcurrency). */
  concurrency: number;
  /** Upper bound on worker processes for this function. */
  maxWorkers: number;
  /** Per-event timeout of the function (its `timeoutSeconds`). */
  timeoutMs: number;
  onResults(results: PoolResult[]): void;
  /** Tasks handed back without having run (queued in a worker that stopped): release them. */
  onReleased(tasks: PoolTask[]): void;
  /** Engine-side notices (worker crashed / stuck / failed to load), already redacted. */
  onNotice?(message: string): void;
  /** Print what the function's top-level code logged when it loaded. */
  onLoadLogs?(lines: string[]): void;
  redact?(text: string): string;
  /** Grace beyond the timeout before a silent worker is declared stuck. */
  slackMs?: number;
  memoryLimitMb?: number;
  /** Script the workers run (see worker-bundle.ts). */
  entry?: string;
  /** Idle cores of the machine now (default: measured, idle-cores.ts); a saturated function spreads only onto a free one. */
  idleCores?: () => number;
  /** Told of each worker process started and exited (worker-pids.ts: the next engine stops any left running). */
  processes?: ProcessList;
  /** How long an extra worker runs before it must have raised the rate (spread-trial.ts; tests shorten it). */
  spreadTrialMs?: number;
  /** An extra worker that has held nothing this long is stopped (default IDLE_WORKER_MS; tests shorten it). */
  idleWorkerMs?: number;
}

export interface Unfinished { started: PoolTask[]; notStarted: PoolTask[] }

const LOAD_TIMEOUT_MS = 30_000;
/** An extra worker idle this long is stopped: the function's events fit in fewer processes again (its memory is freed). */
const IDLE_WORKER_MS = 60_000;
const WATCHDOG_MS = 100;

interface Held { task: PoolTask; postedAt: number }

interface Slot {
  /** Events this worker runs at once. */
  parallelism: number;
  /** Events it may hold (running + queued in it). */
  capacity: number;
  worker: ChildProcess | null;
  ready: boolean;
  startedAt: number;
  /** Posted to the worker. */
  held: Map<number, Held>;
  /** Ids the worker said it started and has not answered yet (see FromWorker 'progress'). */
  running: Set<number>;
  /** Waiting for the worker to be ready. */
  waiting: PoolTask[];
  lastHeardAt: number;
  crashReason: string | null;
  /** Its event loop's busy share as last reported, and when. */
  busy: number;
  busyAt: number;
  /** Reports in a row at or above SATURATED. */
  saturatedReports: number;
  /** Its worker is the extra one on trial (SpreadTrial). */
  onTrial: boolean;
  /** Takes no new events; stopped once it holds none (its trial found it added no throughput). */
  retiring: boolean;
}

/** A worker whose event loop is this busy runs its function as fast as one process can: give the next events to another. */
const SATURATED = 0.85;
/** Reports in a row (one per BUSY_EVERY_MS of the worker, 250 ms) that make a worker saturated: a short burst (a start, the JIT) does not. */
const SATURATED_REPORTS = 2;
/** A busy share older than this says nothing about now. */
const BUSY_FRESH_MS = 2000;
/** Idle CPU (in cores) a second worker needs to add throughput rather than only cost. */
const FREE_CORE = 0.5;
const machine = new IdleCores();

/** Extra events a worker holds beyond those it runs, so it is never idle waiting for the engine. */
export function prefetchFor(parallelism: number): number {
  return Math.min(128, Math.max(4 * parallelism, 32));
}

/**
 * Running share of each of at most `maxWorkers` processes: the whole `concurrency`. One worker runs all of an I/O-bound
 * function's events at once (a second process for them costs CPU per event and buys no throughput: bench/RESULTS.md);
 * a second one starts only when the first is saturated (submit). The dispatcher's limit, never above `concurrency`,
 * bounds what all of them hold together.
 */
export function workerShares(concurrency: number, maxWorkers: number): number[] {
  const workers = Math.max(1, Math.min(maxWorkers, concurrency));
  return Array.from({ length: workers }, () => Math.max(1, concurrency));
}

/** The most events a pool holds at once (running + queued in its workers): the most a crash can leave in flight. */
export function poolCapacity(concurrency: number, maxWorkers: number): number {
  return workerShares(concurrency, maxWorkers).reduce((n, p) => n + p + prefetchFor(p), 0);
}

export class WorkerPool {
  private readonly slots: Slot[];
  private readonly slackMs: number;
  private readonly watchdog: NodeJS.Timeout;
  private closed = false;
  private blockedUntil = 0;
  private loadFailures = 0;
  private drained: (() => void) | null = null;
  private readonly trial: SpreadTrial;

  constructor(private readonly options: PoolOptions) {
    assertWorkerSandbox();
    this.slots = workerShares(options.concurrency, options.maxWorkers).map((parallelism) => {
      return {
        parallelism, capacity: parallelism + prefetchFor(parallelism),
        worker: null, ready: false, startedAt: 0, held: new Map(), waiting: [], lastHeardAt: 0, crashReason: null,
        running: new Set(), busy: 0, busyAt: 0, saturatedReports: 0, onTrial: false, retiring: false,
      };
    });
    this.slackMs = options.slackMs ?? 1000 + Math.round(options.timeoutMs * 0.1);
    this.trial = new SpreadTrial(options.spreadTrialMs);
    this.watchdog = setInterval(() => this.check(), WATCHDOG_MS);
    this.watchdog.unref();
  }

  get name(): string { return this.options.definition.name; }

  /** The most events the pool holds at once. */
  get capacity(): number {
    return this.slots.reduce((n, s) => n + s.capacity, 0);
  }

  /** The most events one worker may hold (to size lease durations). */
  get queueDepthFactor(): number {
    return Math.max(...this.slots.map((s) => Math.ceil(s.capacity / s.parallelism)));
  }

  /** Start the first worker now, so the first event does not wait for the function to load. */
  warm(): void {
    const slot = this.slots[0];
    if (!this.closed && !slot.worker) this.spawn(slot);
  }

  /** How many more events the pool takes now. */
  freeSlots(now = Date.now()): number {
    if (this.closed || now < this.blockedUntil) return 0;
    let free = 0;
    for (const slot of this.slots) if (!slot.retiring) free += slot.capacity - load(slot);
    return free;
  }

  /** Worker processes running now. */
  get workers(): number {
    return this.slots.filter((s) => s.worker !== null).length;
  }

  /** Events currently held by the pool. */
  get size(): number {
    let n = 0;
    for (const slot of this.slots) n += load(slot);
    return n;
  }

  /** Hand tasks to workers (at most freeSlots()). Results arrive through onResults. */
  submit(tasks: readonly PoolTask[]): void {
    let i = 0;
    // Running workers first. While none is saturated the first running worker takes all it can: events packed into one
    // process cost less CPU each than the same events spread over two half-busy ones (bench/RESULTS.md). Once one is
    // saturated (its event loop always busy: a CPU-bound function), the running workers share by load, each first up to
    // an equal share of what they will hold together: such a worker answers its events in one message after running them
    // all, and unsplit batches landed whole on whichever worker was empty, so two ran no faster than one. A new worker
    // starts only then, when a core is free and no extra worker is on trial or was retired lately (spread-trial.ts); it
    // comes before the saturated ones. First the running shares, then the queues.
    const now = Date.now();
    const saturated = (s: Slot) => s.worker !== null && s.saturatedReports >= SATURATED_REPORTS && now - s.busyAt < BUSY_FRESH_MS;
    const running = this.slots.filter((s) => s.worker !== null);
    const spread = running.some(saturated);
    const grow = spread && this.trial.allowed && (this.options.idleCores ?? (() => machine.now()))() >= FREE_CORE;
    const balance = running.length > 1 && spread;
    const rank = (s: Slot) => (s.worker === null ? (grow ? 1 : 3) : grow && saturated(s) ? 2 : 0);
    const byIndex = (a: Slot, b: Slot) => this.slots.indexOf(a) - this.slots.indexOf(b);
    const order = [...this.slots].sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 && !balance ? byIndex(a, b) : load(a) - load(b)));
    const sharing = running.filter((s) => !s.retiring);
    const share = balance ? Math.ceil((sharing.reduce((n, s) => n + load(s), 0) + tasks.length) / Math.max(1, sharing.length)) : Infinity;
    for (const limit of [(s: Slot) => Math.min(s.parallelism, s.worker ? share : Infinity), (s: Slot) => s.parallelism, (s: Slot) => s.capacity]) {
      for (const slot of order) {
        if (slot.retiring) continue;
        const take = Math.min(limit(slot) - load(slot), tasks.length - i);
        if (take <= 0) continue;
        const batch = tasks.slice(i, i + take);
        i += take;
        if (!slot.worker) this.spawnAlongside(slot, running.length > 0);
        if (slot.ready) this.post(slot, batch);
        else slot.waiting.push(...batch);
      }
    }
    if (i < tasks.length) throw new Error(`pool ${this.name}: ${tasks.length - i} task(s) over capacity`);
  }

  /**
   * Stop taking events, let the running ones finish for up to `graceMs`, then stop every worker.
   * Queued events come back through onReleased; returns the events that did not finish.
   */
  async close(graceMs: number): Promise<Unfinished> {
    this.closed = true;
    const notStarted = this.slots.flatMap((slot) => slot.waiting.splice(0));
    for (const slot of this.slots) if (slot.worker && slot.ready && slot.held.size > 0) this.postMessage(slot, { type: 'drain' });
    if (this.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.drained = () => { clearTimeout(timer); resolve(); };
      });
    }
    this.drained = null;
    clearInterval(this.watchdog);
    const started: PoolTask[] = [];
    const stopping: Promise<void>[] = [];
    for (const slot of this.slots) {
      for (const h of slot.held.values()) (slot.running.has(h.task.id) ? started : notStarted).push(h.task);
      slot.held.clear();
      slot.running.clear();
      const worker = slot.worker;
      slot.worker = null;
      if (worker) stopping.push(kill(worker));
    }
    await Promise.all(stopping);
    return { started, notStarted };
  }

  /** Start the slot's worker; one started beside running workers is on trial (SpreadTrial). */
  private spawnAlongside(slot: Slot, othersRunning: boolean): void {
    this.spawn(slot);
    if (othersRunning && !this.trial.running) {
      this.trial.started();
      slot.onTrial = true;
    }
  }

  private spawn(slot: Slot): void {
    const { definition, settings } = this.options;
    slot.running = new Set();
    const init: WorkerInit = {
      // Only the contract's fields: anything else on the definition may not be cloneable.
      definition: { name: definition.name, dir: definition.dir, config: definition.config, source: definition.source },
      settings,
      parallelism: slot.parallelism,
    };
    const worker = launchWorker({
      entry: this.options.entry ?? WORKER_BOOTSTRAP,
      functionDir: definition.dir,
      memoryLimitMb: this.options.memoryLimitMb ?? 512,
      processes: this.options.processes,
    });
    slot.worker = worker;
    slot.ready = false;
    slot.startedAt = Date.now();
    slot.crashReason = null;
    slot.busy = 0;
    slot.saturatedReports = 0;
    slot.onTrial = false;
    slot.retiring = false;
    for (const stream of [worker.stdout, worker.stderr]) {
      if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.workerOutput(slot, worker, line));
    }
    worker.on('message', (message: unknown) => this.onMessage(slot, worker, message));
    worker.on('error', (err) => { if (slot.worker === worker) slot.crashReason ??= `${err.name}: ${err.message}`; });
    // 'close': the process exited and every message it sent before has been handled.
    worker.on('close', (code, signal) => {
      if (slot.worker !== worker) return; // stopped on purpose; already handled
      this.crashed(slot, slot.crashReason ?? `worker exited with ${signal ? `signal ${signal}` : `code ${code}`}`);
    });
    worker.send({ type: 'init', init } satisfies ToWorker);
  }

  private crashed(slot: Slot, reason: string): void {
    // Before it was ready nothing ran: a load failure (backoff), not a worker started again at once.
    if (!slot.ready) return this.loadFailed(slot, { name: 'WorkerCrashed', message: `worker exited while loading (${reason})` });
    this.options.onNotice?.(this.redact(`${this.name}: worker crashed (${reason}): replaced`));
    this.stop(slot, 'error', { name: 'WorkerCrashed', message: this.redact(`function worker crashed: ${reason}`) });
  }

  /** What the worker process printed (Node's own errors, e.g. out of memory): redacted, to stderr. */
  private workerOutput(slot: Slot, worker: ChildProcess, line: string): void {
    if (line.trim() === '') return;
    const text = this.redact(line).slice(0, 2000);
    const seen = classifyWorkerLine(line);
    if (seen.kind === 'fatal') {
      if (slot.worker === worker) slot.crashReason = seen.outOfMemory ? 'out of memory (over the function\'s heap limit)' : text.slice(0, 200);
      return;
    }
    if (seen.kind === 'echo') process.stderr.write(`[${this.name}] ${text}\n`);
  }

  private onMessage(slot: Slot, worker: ChildProcess, message: unknown): void {
    if (slot.worker !== worker) return;
    if (!isFromWorker(message)) return this.crashed(slot, 'it sent a message no worker sends');
    slot.lastHeardAt = Date.now();
    switch (message.type) {
      case 'ready': {
        slot.ready = true;
        this.loadFailures = 0;
        if (slot.onTrial) this.trial.ready();
        if (message.loadLogs.length > 0 && slot === this.slots[0]) this.options.onLoadLogs?.(message.loadLogs);
        const waiting = slot.waiting.splice(0);
        if (waiting.length > 0) this.post(slot, waiting);
        return;
      }
      case 'load-error':
        return this.loadFailed(slot, message.error);
      case 'released': {
        const tasks = message.ids.flatMap((id) => {
          const h = slot.held.get(id);
          slot.held.delete(id);
          return h ? [h.task] : [];
        });
        if (tasks.length > 0) this.options.onReleased(tasks);
        return this.checkDrained();
      }
      case 'progress': {
        if (message.busy !== undefined) {
          slot.busy = message.busy;
          slot.busyAt = slot.lastHeardAt;
          slot.saturatedReports = message.busy >= SATURATED ? slot.saturatedReports + 1 : 0;
        }
        for (const id of message.started) if (slot.held.has(id)) slot.running.add(id);
        const results: PoolResult[] = [];
        for (const { id, outcome } of message.results) {
          const h = slot.held.get(id);
          if (!h) continue;
          slot.held.delete(id);
          slot.running.delete(id);
          results.push({ task: h.task, outcome });
        }
        if (results.length > 0) this.trial.finished(results.length);
        return this.deliver(results);
      }
    }
  }

  private post(slot: Slot, tasks: PoolTask[]): void {
    const now = Date.now();
    if (slot.held.size === 0) slot.lastHeardAt = now; // silence is measured from when it got work
    for (const task of tasks) slot.held.set(task.id, { task, postedAt: now });
    this.postMessage(slot, { type: 'run', tasks: tasks.map((t) => ({ id: t.id, event: t.event })) });
  }

  private postMessage(slot: Slot, message: ToWorker): void {
    // A worker that has just died cannot take it: its 'close' handles what it held.
    slot.worker!.send(message, (err) => { if (err) slot.crashReason ??= `${err.name}: ${err.message}`; });
  }

  private check(): void {
    const now = Date.now();
    const verdict = this.trial.verdict();
    if (verdict) for (const slot of this.slots) if (slot.onTrial) { slot.onTrial = false; slot.retiring = verdict === 'retire'; }
    const first = this.slots.find((s) => s.worker !== null && !s.retiring);
    const idleMs = this.options.idleWorkerMs ?? IDLE_WORKER_MS;
    for (const slot of this.slots) {
      const idle = slot !== first && slot.ready && now - slot.lastHeardAt > idleMs;
      // An extra worker that holds nothing (its trial failed, or it sat idle) stops: the function runs in fewer processes.
      if ((slot.retiring || idle) && slot.worker && load(slot) === 0) this.detach(slot);
      if (!slot.worker) continue;
      if (!slot.ready) {
        if (now - slot.startedAt > LOAD_TIMEOUT_MS) this.loadFailed(slot, { name: 'TimeoutError', message: `function did not load within ${LOAD_TIMEOUT_MS / 1000}s` });
      } else if (slot.held.size > 0 && now - slot.lastHeardAt > this.options.timeoutMs + this.slackMs) {
        const seconds = this.options.timeoutMs / 1000;
        this.options.onNotice?.(`${this.name}: worker stuck past the ${seconds}s timeout: terminated and replaced`);
        this.stop(slot, 'timeout', { name: 'TimeoutError', message: `handler exceeded the ${seconds}s timeout (worker terminated)` });
      }
    }
  }

  /** Kill the slot's worker and forget it; a trial it was on ends without a verdict (it stopped, or sat idle before one). */
  private detach(slot: Slot): void {
    const worker = slot.worker;
    slot.worker = null;
    slot.ready = false;
    slot.running = new Set();
    if (slot.onTrial) this.trial.abandon();
    slot.onTrial = false;
    slot.retiring = false;
    if (worker) void kill(worker);
  }

  private loadFailed(slot: Slot, error: OutcomeError): void {
    this.loadFailures++;
    const backoff = Math.min(30_000, 500 * 2 ** (this.loadFailures - 1));
    this.blockedUntil = Date.now() + backoff;
    this.options.onNotice?.(this.redact(`${this.name}: function failed to load (${error.name}: ${error.message}); its events wait in the queue, next try in ${backoff / 1000}s`));
    // Nothing ran: the events go back unattempted and wait for a version that loads.
    this.stop(slot, null, error);
  }

  /**
   * Drop the slot's worker. The events it was running get a retryable outcome (`reason`); the
   * others it held go back unattempted: still queued in it, or finished without their outcome
   * reaching us (delivered again, like any unacknowledged message).
   */
  private stop(slot: Slot, reason: OutcomeReason | null, error: OutcomeError): void {
    const running = slot.running;
    this.detach(slot);
    const held = [...slot.held.values()];
    slot.held.clear();
    const released = slot.waiting.splice(0);
    const blamed: Held[] = [];
    for (const h of held) {
      if (reason !== null && running.has(h.task.id)) blamed.push(h);
      else released.push(h.task);
    }
    if (released.length > 0) this.options.onReleased(released);
    const now = Date.now();
    this.deliver(blamed.map((h) => ({
      task: h.task,
      outcome: { messageId: h.task.messageId, status: 'retry', reason, result: undefined, error, logs: [], durationMs: now - h.postedAt },
    })));
  }

  private deliver(results: PoolResult[]): void {
    if (results.length > 0) this.options.onResults(results);
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.drained && this.size === 0) this.drained();
  }

  private redact(text: string): string {
    return this.options.redact ? this.options.redact(text) : text;
  }
}

/** Kill the worker process; resolves once it has exited. */
function kill(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    worker.once('exit', () => resolve());
    if (!worker.kill('SIGKILL')) resolve();
  });
}

function load(slot: Slot): number {
  return slot.held.size + slot.waiting.length;
}

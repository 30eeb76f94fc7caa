/**
 * The delivery loop of one function: lease from its queue as many messages as its pool has free
 * slots and its delivery control allows (adaptive concurrency limit, rate limits, circuit breaker and an
 * operator's pause: runtime/delivery-control), hand them to the workers, settle the outcomes (ack / retry
 * later / DLQ + record + logs, group-committed by the SettleBuffer), lease again. Paused, it leases nothing
 * (by an operator) or one probe event now and then (by the breaker): queued events keep their attempts. Idle, it sleeps until the next message becomes
 * visible (retry backoff), at most POLL_MS so messages put back by `destfn replay` from another
 * process are seen.
 *
 * Leases are held here, in memory, each with a deadline: the pool answers for every event it
 * holds well before it, so an expired lease means something was lost and the message is simply
 * leased (delivered) again. A crash drops every lease at once: the next engine delivers them.
 */
import type { LeasedMessage, Queue } from './queue';
import type { Attempt, SettledAttempt } from './settle';
import type { SettleBuffer } from './settle-buffer';
import type { LoadedFunction } from './loader';
import { WorkerPool, type PoolResult } from './worker-pool';
import type { ProcessList } from './worker-pids';
import { createRedactor } from '../settings/redact';
import { DeliveryControl, type DeliveryControlOptions, type DeliveryControlStatus } from '../delivery-control';
import type { FunctionControlStore, OperatorPause } from './function-control';

export const POLL_MS = 250;
/** At most this many messages per lease query. */
const MAX_LEASE = 200;
/** How often the operator's pause is read and the status published (ms). */
const CONTROL_SYNC_MS = 250;
const STATUS_PUBLISH_MS = 1000;

export interface DispatcherHooks {
  settled(fn: string, settled: SettledAttempt[]): void;
  duplicates(fn: string, messages: LeasedMessage[]): void;
  notice(text: string): void;
}

export interface DispatcherOptions {
  queue: Queue;
  settle: SettleBuffer;
  retryScale: number;
  maxWorkers: number;
  hooks: DispatcherHooks;
  /** Script workers run (worker-bundle.ts). */
  workerEntry?: string;
  /** Start a worker as soon as the function is loaded (default true). */
  prewarm?: boolean;
  /** Operator pauses and published status (SQLite); without it no `destfn pause` and no `status`. */
  control?: FunctionControlStore;
  /** Overrides of the delivery control's tuning (tests, benches). */
  tuning?: Pick<DeliveryControlOptions, 'concurrency' | 'rate' | 'breaker'>;
  /** Where the worker processes are listed for the next engine (worker-pids.ts). */
  processes?: ProcessList;
}

export class Dispatcher {
  private pool: WorkerPool;
  private readonly retiring = new Set<Promise<void>>();
  /** `settling`: its outcome waits to be recorded (SettleBuffer), so its lease never expires. */
  /** `handedAt`: when it went to the pool (its latency, as the delivery control sees it, counts from there). */
  private readonly inflight = new Map<number, { message: LeasedMessage; deadline: number; handedAt: number; settling?: boolean }>();
  /** Leased and not answered yet: at the destination (or about to be). */
  private unanswered = 0;
  private control: DeliveryControl;
  private nextControlSync = 0;
  private nextPublish = 0;
  private nextForcedPublish = 0;
  private published = '';
  private readonly busy = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private stopped = false;
  private nextExpiryCheck = 0;

  constructor(private current: LoadedFunction, private readonly options: DispatcherOptions) {
    this.pool = this.createPool(current);
    this.control = this.createControl(current, null);
  }

  get name(): string { return this.current.definition.name; }
  get loaded(): LoadedFunction { return this.current; }
  /** Messages leased and not yet settled. */
  get inFlight(): number { return this.inflight.size; }
  /** Current limit, latency, recent outcomes, paused and why (the dev console reads it). */
  deliveryStatus(now = Date.now()): DeliveryControlStatus { return this.control.status(now); }

  /** Look at the queue soon (new messages were committed). */
  wake(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.pump());
  }

  /** Hot reload: the next events go to a new pool; the old one finishes what it holds. */
  replace(next: LoadedFunction): void {
    const old = this.pool;
    this.current = next;
    this.pool = this.createPool(next);
    this.control = this.createControl(next, this.control);
    this.retire(old, this.graceMs(next));
    this.wake();
  }

  /** Stop leasing, let in-flight events finish (up to their timeout), give the rest back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.retire(this.pool, this.graceMs(this.current));
    while (this.retiring.size > 0) await Promise.all([...this.retiring]);
  }

  private graceMs(fn: LoadedFunction): number {
    return fn.definition.config.timeoutSeconds * 1000 + 1000;
  }

  private retire(pool: WorkerPool, graceMs: number): void {
    // What did not finish stays in the queue, visible: the next lease (or engine) delivers it.
    const done = pool.close(graceMs).then(({ started, notStarted }) => {
      for (const t of [...started, ...notStarted]) this.untrack(t.id);
      if (!this.stopped) this.wake();
    }).finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }

  /** A new function version starts from the initial limit, keeping an operator's pause. */
  private createControl(fn: LoadedFunction, previous: DeliveryControl | null): DeliveryControl {
    const { maxConcurrency, rateLimit } = fn.definition.config;
    const control = new DeliveryControl({ maxConcurrency, rateLimit, ...this.options.tuning }, Date.now());
    const paused = previous?.status(Date.now());
    if (paused?.pausedBy === 'operator') control.pause(paused.reason ?? 'paused', paused.pausedSince ?? Date.now());
    this.nextControlSync = 0;
    return control;
  }

  /** Apply an operator's pause or resume (written by `destfn pause|resume`) and publish the status. */
  private syncControl(now: number): void {
    const store = this.options.control;
    if (!store || now < this.nextControlSync) return;
    this.nextControlSync = now + CONTROL_SYNC_MS;
    let pause: OperatorPause | undefined;
    try {
      pause = store.pauses().get(this.name);
    } catch (err) {
      return this.options.hooks.notice(`${this.name}: cannot read its pause state: ${(err as Error).message}`);
    }
    const was = this.control.status(now).pausedBy === 'operator';
    if (pause && !was) {
      this.control.pause(pause.reason, pause.pausedAt);
      this.options.hooks.notice(`${this.name}: paused (${pause.reason}); its events wait in the queue`);
    } else if (!pause && was) {
      this.control.resume();
      this.options.hooks.notice(`${this.name}: resumed`);
    }
    if (now >= this.nextPublish) {
      this.nextPublish = now + STATUS_PUBLISH_MS;
      const status = this.control.status(now);
      const text = JSON.stringify(status);
      // Unchanged: written again only now and then (`status` tells how old it is).
      if (text === this.published && now < this.nextForcedPublish) return;
      this.published = text;
      this.nextForcedPublish = now + 10 * STATUS_PUBLISH_MS;
      try { store.publish(this.name, status, now); } catch { /* the status is informative: the next write will do */ }
    }
  }

  private createPool(fn: LoadedFunction): WorkerPool {
    const config = fn.definition.config;
    const pool = new WorkerPool({
      entry: this.options.workerEntry,
      definition: fn.definition,
      settings: fn.settings,
      concurrency: config.maxConcurrency,
      maxWorkers: this.options.maxWorkers,
      timeoutMs: config.timeoutSeconds * 1000,
      redact: createRedactor(fn.secrets),
      onResults: (results) => this.onResults(results),
      onReleased: (tasks) => this.onReleased(tasks.map((t) => t.id)),
      onNotice: (text) => this.options.hooks.notice(text),
      onLoadLogs: (lines) => this.options.hooks.notice(`${fn.definition.name} (loading): ${lines.join('\n')}`),
      processes: this.options.processes,
    });
    if (this.options.prewarm ?? true) pool.warm();
    return pool;
  }

  private leaseMs(): number {
    return this.current.definition.config.timeoutSeconds * 1000 * (this.pool.queueDepthFactor + 1) + 60_000;
  }

  /** Events that never ran (queued in a worker that stopped): no longer held, leased again soon. */
  private onReleased(ids: number[]): void {
    for (const id of ids) this.untrack(id);
    this.wake();
  }

  private expireLeases(now: number): void {
    let expired = 0;
    for (const [id, held] of this.inflight) if (held.deadline < now && !held.settling) { this.untrack(id); expired++; }
    if (expired > 0) this.options.hooks.notice(`${this.name}: ${expired} lease(s) expired without an answer: delivering again`);
  }

  private pump(): void {
    this.scheduled = false;
    if (this.stopped) return;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    try {
      const now = Date.now();
      if (now >= this.nextExpiryCheck) {
        this.nextExpiryCheck = now + 1000;
        this.expireLeases(now);
      }
      this.syncControl(now);
      // Outcomes cannot be recorded (disk full…): deliver nothing new until they can.
      if (this.options.settle.blocked) return this.sleep(false);
      for (;;) {
        const allowed = this.control.allowance(this.unanswered, Date.now());
        const want = Math.min(this.free(), allowed.count, MAX_LEASE);
        // Full or held back: finishing events wake us; the timer covers tokens, probes, a resume and a pool
        // blocked after a load failure.
        if (want <= 0) return this.sleep(false, allowed.count === 0 ? allowed.waitMs : null);
        const filter = { held: (id: number) => this.inflight.has(id), busy: (id: string) => this.busy.has(id) };
        const { leased, duplicates } = this.options.queue.lease(this.name, want, filter, this.inflight.size);
        if (duplicates.length > 0) this.options.hooks.duplicates(this.name, duplicates);
        if (leased.length > 0) {
          this.control.started(leased.length, allowed.probe, Date.now());
          for (const m of leased) this.track(m);
          this.pool.submit(leased.map((m) => ({ id: m.id, messageId: m.messageId, event: m.event })));
        }
        if (leased.length + duplicates.length < want) return this.sleep(true);
      }
    } catch (err) {
      this.options.hooks.notice(`${this.name}: queue error: ${(err as Error).message}`);
      this.sleep(false);
    }
  }

  /** What the pool takes, within the pool's capacity counting events still being settled. */
  private free(): number {
    return Math.max(0, Math.min(this.pool.freeSlots(), this.pool.capacity - this.inflight.size));
  }

  private sleep(queueDrained: boolean, waitMs: number | null = null): void {
    let delay = waitMs === null ? POLL_MS : Math.min(POLL_MS, Math.max(1, waitMs));
    if (queueDrained) {
      const next = this.options.queue.nextVisibleAt(this.name);
      if (next !== null) delay = Math.min(POLL_MS, Math.max(1, next - Date.now()));
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = null; this.pump(); }, delay);
    this.timer.unref();
  }

  private onResults(results: PoolResult[]): void {
    const attempts: Attempt[] = [];
    const now = Date.now();
    for (const { task, outcome } of results) {
      const held = this.inflight.get(task.id);
      if (!held) continue; // its lease expired: being delivered again
      this.answered(held);
      // Latency as this engine sees it, not the handler's own duration: it includes the wait in a busy worker,
      // so more events in flight than the machine (or destination) can serve show up as latency and are backed off.
      const change = this.control.finished({ ...outcome, durationMs: now - held.handedAt }, this.unanswered + 1, now);
      if (change) this.breakerChanged(change, now);
      attempts.push({ message: held.message, outcome });
    }
    if (attempts.length === 0) return this.wake();
    const options = { retry: this.current.definition.config.retry, retryScale: this.options.retryScale, version: this.current.definition.version };
    // Still held until recorded, so the same messages are not leased again meanwhile.
    this.options.settle.add(attempts, options, (settled, error) => {
      for (const a of attempts) this.untrack(a.message.id);
      if (settled) this.options.hooks.settled(this.name, settled);
      else this.options.hooks.notice(`${this.name}: could not record ${attempts.length} outcome(s), they will be delivered again: ${error?.message}`);
      this.wake();
    });
    this.wake();
  }

  private breakerChanged(change: 'opened' | 'closed', now: number): void {
    const status = this.control.status(now);
    if (change === 'opened') {
      this.options.hooks.notice(`${this.name}: destination failing (${status.reason}): paused, its events wait in the queue; one event is tried now and then and delivery resumes when it succeeds`);
    } else {
      this.options.hooks.notice(`${this.name}: destination answers again: delivery resumes`);
    }
    this.nextPublish = 0;
  }

  private answered(held: { settling?: boolean }): void {
    if (held.settling) return;
    held.settling = true;
    this.unanswered--;
  }

  /** Let go without an answer (never ran, lease expired): a probe among them must not block the next one. */
  private abandon(held: { settling?: boolean }): void {
    if (held.settling) return;
    this.answered(held);
    this.control.abandoned();
  }

  private track(m: LeasedMessage): void {
    this.unanswered++;
    const now = Date.now();
    this.inflight.set(m.id, { message: m, deadline: now + this.leaseMs(), handedAt: now });
    this.busy.set(m.messageId, (this.busy.get(m.messageId) ?? 0) + 1);
  }

  private untrack(id: number): void {
    const held = this.inflight.get(id);
    if (!held) return;
    const m = held.message;
    this.abandon(held);
    this.inflight.delete(id);
    const n = (this.busy.get(m.messageId) ?? 1) - 1;
    if (n <= 0) this.busy.delete(m.messageId); else this.busy.set(m.messageId, n);
  }
}

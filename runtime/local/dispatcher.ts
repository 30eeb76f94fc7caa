/**
 * The delivery loop of one function: lease from its queue as many messages as its pool has free
 * slots, hand them to the workers, settle the outcomes (ack / retry later / DLQ + record + logs,
 * group-committed by the SettleBuffer), lease again. Idle, it sleeps until the next message becomes
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
import { createRedactor } from '../settings/redact';

export const POLL_MS = 250;
/** At most this many messages per lease query. */
const MAX_LEASE = 200;

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
}

export class Dispatcher {
  private pool: WorkerPool;
  private readonly retiring = new Set<Promise<void>>();
  /** `settling`: its outcome waits to be recorded (SettleBuffer), so its lease never expires. */
  private readonly inflight = new Map<number, { message: LeasedMessage; deadline: number; settling?: boolean }>();
  private readonly busy = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private stopped = false;
  private nextExpiryCheck = 0;

  constructor(private current: LoadedFunction, private readonly options: DispatcherOptions) {
    this.pool = this.createPool(current);
  }

  get name(): string { return this.current.definition.name; }
  get loaded(): LoadedFunction { return this.current; }
  /** Messages leased and not yet settled. */
  get inFlight(): number { return this.inflight.size; }

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
      // Outcomes cannot be recorded (disk full…): deliver nothing new until they can.
      if (this.options.settle.blocked) return this.sleep(false);
      let free = this.free();
      while (free > 0) {
        const want = Math.min(free, MAX_LEASE);
        const filter = { held: (id: number) => this.inflight.has(id), busy: (id: string) => this.busy.has(id) };
        const { leased, duplicates } = this.options.queue.lease(this.name, want, filter, this.inflight.size);
        if (duplicates.length > 0) this.options.hooks.duplicates(this.name, duplicates);
        if (leased.length > 0) {
          for (const m of leased) this.track(m);
          this.pool.submit(leased.map((m) => ({ id: m.id, messageId: m.messageId, event: m.event })));
        }
        if (leased.length + duplicates.length < want) return this.sleep(true);
        free = this.free();
      }
      // Full: finishing events wake us; the timer covers a pool blocked after a load failure.
      this.sleep(false);
    } catch (err) {
      this.options.hooks.notice(`${this.name}: queue error: ${(err as Error).message}`);
      this.sleep(false);
    }
  }

  /** What the pool takes, within the pool's capacity counting events still being settled. */
  private free(): number {
    return Math.max(0, Math.min(this.pool.freeSlots(), this.pool.capacity - this.inflight.size));
  }

  private sleep(queueDrained: boolean): void {
    let delay = POLL_MS;
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
    for (const { task, outcome } of results) {
      const held = this.inflight.get(task.id);
      if (!held) continue; // its lease expired: being delivered again
      held.settling = true;
      attempts.push({ message: held.message, outcome });
    }
    if (attempts.length === 0) return this.wake();
    const options = { retry: this.current.definition.config.retry, retryScale: this.options.retryScale };
    // Still held until recorded, so the same messages are not leased again meanwhile.
    this.options.settle.add(attempts, options, (settled, error) => {
      for (const a of attempts) this.untrack(a.message.id);
      if (settled) this.options.hooks.settled(this.name, settled);
      else this.options.hooks.notice(`${this.name}: could not record ${attempts.length} outcome(s), they will be delivered again: ${error?.message}`);
      this.wake();
    });
    this.wake();
  }

  private track(m: LeasedMessage): void {
    this.inflight.set(m.id, { message: m, deadline: Date.now() + this.leaseMs() });
    this.busy.set(m.messageId, (this.busy.get(m.messageId) ?? 0) + 1);
  }

  private untrack(id: number): void {
    const m = this.inflight.get(id)?.message;
    if (!m) return;
    this.inflight.delete(id);
    const n = (this.busy.get(m.messageId) ?? 1) - 1;
    if (n <= 0) this.busy.delete(m.messageId); else this.busy.set(m.messageId, n);
  }
}

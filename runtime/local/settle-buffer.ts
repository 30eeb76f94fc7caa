/**
 * Group commit of outcomes: results arriving from every function's workers within a few
 * milliseconds are settled in one transaction. A delivery record is keyed by a random messageId,
 * so each one dirties its own page; one commit per handful of events would spend most of the
 * engine thread on commits. The events stay held (leased) by their dispatcher until settled.
 *
 * When the store cannot write (disk full, I/O error: an SQLITE_* error), nothing was recorded: the
 * outcomes are kept and written again with backoff, and `blocked` tells the dispatchers to lease nothing
 * new meanwhile. So a full disk pauses delivery instead of redelivering the same events in a loop, and
 * delivery resumes by itself once a write succeeds; an event whose outcome was pending is not delivered again.
 */
import type { Attempt, SettleOptions, SettledAttempt, Settler } from './settle';

const WINDOW_MS = 5;
const MAX_PENDING = 256;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;

interface Pending {
  attempts: Attempt[];
  options: SettleOptions;
  done(settled: SettledAttempt[] | null, error?: Error): void;
}

export interface SettleBufferHooks {
  /** Outcomes could not be recorded (once per outage). */
  blocked?(error: Error): void;
  /** Recorded again after an outage. */
  resumed?(): void;
}

function isStoreError(err: unknown): boolean {
  return /^SQLITE_/.test((err as { code?: unknown }).code as string ?? '');
}

export class SettleBuffer {
  private pending: Pending[] = [];
  private count = 0;
  private timer: NodeJS.Timeout | null = null;
  private backoffMs = 0;
  private closed = false;

  constructor(private readonly settle: Settler, private readonly hooks: SettleBufferHooks = {}) {}

  /** True while outcomes cannot be recorded: lease nothing new. */
  get blocked(): boolean { return this.backoffMs > 0; }

  /**
   * `done` gets the settled outcomes once recorded, or null and the error when the transaction failed
   * for another reason than the store (nothing was recorded).
   */
  add(attempts: Attempt[], options: SettleOptions, done: Pending['done']): void {
    this.pending.push({ attempts, options, done });
    this.count += attempts.length;
    if (this.blocked || this.closed) return; // the retry timer writes them
    if (this.count >= MAX_PENDING) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), WINDOW_MS);
  }

  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    const batch = this.pending;
    this.pending = [];
    this.count = 0;
    if (batch.length === 0) return;
    let results: SettledAttempt[][];
    try {
      results = this.settle(batch, Date.now());
    } catch (err) {
      if (isStoreError(err) && !this.closed) return this.retryLater(batch, err as Error);
      for (const p of batch) p.done(null, err as Error);
      return;
    }
    if (this.blocked) {
      this.backoffMs = 0;
      this.hooks.resumed?.();
    }
    batch.forEach((p, i) => p.done(results[i]));
  }

  /** Last write at stop; what cannot be recorded now is delivered again by the next engine. */
  close(): void {
    this.closed = true;
    this.flush();
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.pending = [];
    this.count = 0;
  }

  private retryLater(batch: Pending[], error: Error): void {
    if (!this.blocked) this.hooks.blocked?.(error);
    this.backoffMs = this.backoffMs === 0 ? FIRST_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    this.pending = [...batch, ...this.pending];
    this.count = this.pending.reduce((n, p) => n + p.attempts.length, 0);
    this.timer = setTimeout(() => this.flush(), this.backoffMs);
  }
}

/**
 * Group commit of outcomes: results arriving from every function's workers within a few
 * milliseconds are settled in one transaction. A delivery record is keyed by a random messageId,
 * so each one dirties its own page; one commit per handful of events would spend most of the
 * engine thread on commits. The events stay held (leased) by their dispatcher until settled.
 */
import type { Attempt, SettleOptions, SettledAttempt, Settler } from './settle';

const WINDOW_MS = 5;
const MAX_PENDING = 256;

interface Pending {
  attempts: Attempt[];
  options: SettleOptions;
  done(settled: SettledAttempt[] | null, error?: Error): void;
}

export class SettleBuffer {
  private pending: Pending[] = [];
  private count = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly settle: Settler) {}

  /** `done` gets the settled outcomes, or null and the error when the transaction failed (nothing was recorded). */
  add(attempts: Attempt[], options: SettleOptions, done: Pending['done']): void {
    this.pending.push({ attempts, options, done });
    this.count += attempts.length;
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
      for (const p of batch) p.done(null, err as Error);
      return;
    }
    batch.forEach((p, i) => p.done(results[i]));
  }
}

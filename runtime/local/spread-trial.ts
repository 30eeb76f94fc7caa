/**
 * Whether a function's extra worker process earns its keep. The pool spreads a saturated function onto another
 * worker when a core looks free; on a small machine that core is often free only for a moment (the engine, the
 * destination and the event source share it), and two half-busy workers spend more CPU per event than one busy one
 * for no more throughput (bench/RESULTS.md). So each spread is a trial: once the new worker is ready and has run
 * for `trialMs`, the events finished per second over that time must beat the rate before the spread by SPREAD_GAIN,
 * or the new worker is retired and the next spread waits (backing off). A CPU-bound function on a free core about
 * doubles its rate and keeps it.
 */

/**
 * What the events finished per second must grow by for the extra worker to stay. A CPU-bound function with a core free
 * about doubles (bench:cpu-bound, 2 cores: 1.77 x); a rate that looks 10-25 % higher can be the first worker's own
 * warm-up or the batches its answers come in, and is not worth a process.
 */
export const SPREAD_GAIN = 1.3;
export const DEFAULT_TRIAL_MS = 3000;
/** The rate before a spread: the last second only, when the worker was saturated (its start and JIT warm-up come earlier). */
const BEFORE_MS = 1000;
const BUCKET_MS = 100;
const FIRST_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 10 * 60_000;

export type SpreadVerdict = 'keep' | 'retire';

export class SpreadTrial {
  /** Events finished per BUCKET_MS, oldest first, over the last trialMs (and one bucket more). */
  private buckets: { at: number; n: number }[] = [];
  private trial: { rateBefore: number; readyAt: number | null } | null = null;
  private backoffMs = 0;
  private blockedUntil = 0;

  constructor(private readonly trialMs = DEFAULT_TRIAL_MS, private readonly clock: () => number = Date.now) {}

  /** `n` events finished now. */
  finished(n: number): void {
    const at = Math.floor(this.clock() / BUCKET_MS) * BUCKET_MS;
    const last = this.buckets[this.buckets.length - 1];
    if (last?.at === at) last.n += n;
    else this.buckets.push({ at, n });
    // One bucket more than the longest window: the rate can tell a history that covers the window from one that began in it.
    while (this.buckets.length > 0 && this.buckets[0].at < at - this.trialMs - BUCKET_MS) this.buckets.shift();
  }

  /** May the pool start another worker now (no trial running, not backing off after a failed one)? */
  get allowed(): boolean {
    return this.trial === null && this.clock() >= this.blockedUntil;
  }

  get running(): boolean {
    return this.trial !== null;
  }

  /** An extra worker was started: the rate so far is what it must beat. */
  started(): void {
    this.trial = { rateBefore: this.rate(Math.min(this.trialMs, BEFORE_MS)), readyAt: null };
  }

  /** The extra worker loaded: its trial time starts. */
  ready(): void {
    if (this.trial && this.trial.readyAt === null) this.trial.readyAt = this.clock();
  }

  /** The extra worker stopped on its own (crash, load failure): no verdict. */
  abandon(): void {
    this.trial = null;
  }

  /** After the trial time, keep or retire the extra worker; null while the trial runs (or none does). */
  verdict(): SpreadVerdict | null {
    const now = this.clock();
    if (!this.trial || this.trial.readyAt === null || now - this.trial.readyAt < this.trialMs) return null;
    const kept = this.rate(this.trialMs) >= this.trial.rateBefore * SPREAD_GAIN;
    this.trial = null;
    if (kept) {
      this.backoffMs = 0;
      return 'keep';
    }
    this.backoffMs = this.backoffMs === 0 ? FIRST_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    this.blockedUntil = now + this.backoffMs;
    return 'retire';
  }

  /**
   * Events finished per second over the last `windowMs`. When the events began within it (a burst after a quiet spell),
   * over the time since the end of the first bucket, not counting that bucket's: a saturated worker answers in batches,
   * and counting from the first batch to just after the last read high by one batch.
   */
  private rate(windowMs: number): number {
    const now = this.clock();
    // From a bucket's start, so that every bucket counted lies whole within the time it is divided by.
    const since = Math.floor((now - windowMs) / BUCKET_MS) * BUCKET_MS;
    const inWindow = this.buckets.filter((b) => b.at >= since);
    const n = inWindow.reduce((sum, b) => sum + b.n, 0);
    if (inWindow.length === 0 || this.buckets[0].at < since) return n / ((now - since) / 1000);
    const spanMs = now - (inWindow[0].at + BUCKET_MS);
    if (spanMs < BUCKET_MS) return n / (Math.max(BUCKET_MS, now - inWindow[0].at) / 1000);
    return (n - inWindow[0].n) / (spanMs / 1000);
  }
}

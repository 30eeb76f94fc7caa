/**
 * Whether a function's extra worker process earns its keep. The pool spreads a saturated function onto another
 * worker when a core looks free; on a small machine that core is often free only for a moment (the engine, the
 * destination and the event source share it), and two half-busy workers spend more CPU per event than one busy one
 * for no more throughput (bench/RESULTS.md). So each spread is a trial: once the new worker is ready and has run
 * for `trialMs`, the events finished per second over that time must beat the rate before the spread by SPREAD_GAIN, or the
 * new worker is retired and the next spread waits (backing off). A CPU-bound function on a free core about doubles
 * its rate and keeps it.
 */

/**
 * What the events finished per second must grow by for the extra worker to stay. A CPU-bound function with a core
 * truly free about doubles; on 2 cores busy with the engine too, a 2 ms CPU-bound function measured 1.1-1.25 x and
 * drained its backlog no faster (13.6 s against 13.5 s with one worker).
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
  /** Events finished per BUCKET_MS, oldest first, over the last trialMs: the rate over that window. */
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
    while (this.buckets.length > 0 && this.buckets[0].at <= at - this.trialMs) this.buckets.shift();
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

  /** Events finished per second over the last `windowMs`, or over the time since the first of them when that is shorter. */
  private rate(windowMs: number): number {
    const now = this.clock();
    const since = now - windowMs;
    let n = 0;
    for (const b of this.buckets) if (b.at >= since) n += b.n;
    const first = this.buckets.find((b) => b.at >= since);
    const spanMs = first ? Math.max(BUCKET_MS, Math.min(windowMs, now - first.at)) : windowMs;
    return n / (spanMs / 1000);
  }
}

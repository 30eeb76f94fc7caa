/**
 * How many events of one function may be at its destination at once, found by the function itself: AIMD with
 * a latency gradient (after Netflix's concurrency-limits). Samples are judged per window (at least `windowMs`
 * and one latency long):
 * - a drop (429, 503, a timeout, any retryable failure) → limit × `backoff`;
 * - the window's median latency above `tolerance` × the baseline + `slackMs` for `slowWindows` windows in a row (the
 *   destination queues our requests) → limit × `latencyBackoff`;
 * - otherwise, if the limit was reached in the window (we could have used more) → limit grows by `growth`
 *   (at least 1), up to `max` (function.json maxConcurrency).
 * The baseline follows the latency down at once and never creeps up: a limit that only adds queueing (our own
 * requests waiting for a busy destination, or for a busy machine) keeps being backed off from. It moves up in one
 * step when backing off does not help: after `newNormalAfter` latency backoffs in a row the latency is still above
 * `stillSlow` × what it was at the first of them (when it helped, the next backoffs are judged from the latency then). Our concurrency is then not the cause: a destination that became slower
 * for good (2 ms → 200 ms) is accepted as its new normal, and the limit grows again so throughput recovers
 * (Little's law: limit = rate × latency).
 * Time is passed in (ms): no timers, tested with a fake clock.
 */
export interface AdaptiveConcurrencyOptions {
  max: number;
  min?: number;
  initial?: number;
  windowMs?: number;
  tolerance?: number;
  /** Latency differences below this are noise, never congestion (a loopback sink jitters by a few ms). */
  slackMs?: number;
  backoff?: number;
  latencyBackoff?: number;
  growth?: number;
  /** Consecutive slow windows before the latency backs the limit off. */
  slowWindows?: number;
  /** Latency backoffs in a row after which a latency that did not come down is accepted as the new normal. */
  newNormalAfter?: number;
  /** What "did not come down" means: still above this fraction of the latency at the first of those backoffs. */
  stillSlow?: number;
}

export interface ConcurrencySample {
  /** The handler's duration: the destination's latency as the function saw it. */
  latencyMs: number;
  /** A retryable outcome (429/503/timeout/error): the destination did not take it. */
  dropped: boolean;
  /** Events at the destination when this one finished (itself included). */
  inFlight: number;
}

const DEFAULTS = { min: 1, windowMs: 100, tolerance: 2, slackMs: 5, backoff: 0.75, latencyBackoff: 0.9, growth: 0.1, slowWindows: 3, newNormalAfter: 5, stillSlow: 0.8 };

export class AdaptiveConcurrency {
  private readonly o: Required<AdaptiveConcurrencyOptions>;
  private value: number;
  private windowStart: number | null = null;
  /** Latencies of the window's successes (its median is judged: one stalled answer is not congestion). */
  private readonly latencies: number[] = [];
  private drops = 0;
  private peak = 0;
  private baselineMs: number | null = null;
  private lastLatencyMs: number | null = null;
  private slowWindows = 0;
  /** Latency backoffs in a row, and the latency when the first of them was decided. */
  private latencyBackoffs = 0;
  private latencyAtFirstBackoff = 0;

  constructor(options: AdaptiveConcurrencyOptions) {
    const max = Math.max(1, Math.floor(options.max));
    const min = Math.min(max, options.min ?? DEFAULTS.min);
    this.o = { ...DEFAULTS, initial: Math.min(max, 10), ...options, max, min };
    this.value = Math.max(min, Math.min(max, this.o.initial));
  }

  /** Events that may be at the destination at once now. */
  get limit(): number { return Math.max(this.o.min, Math.floor(this.value)); }
  get max(): number { return this.o.max; }
  /**
   * Median latency of the last window with a success (ms); before the first window closes (a few events, then
   * none), that of the successes so far; null before any.
   */
  get latencyMs(): number | null { return this.lastLatencyMs ?? median(this.latencies); }
  /** The latency judged normal (ms). */
  get baseline(): number | null { return this.baselineMs; }

  /** Start again from the initial limit (after a pause: the destination's state is unknown). */
  reset(): void {
    this.value = Math.max(this.o.min, Math.min(this.o.max, this.o.initial));
    this.windowStart = null;
    this.slowWindows = 0;
    this.latencyBackoffs = 0;
    this.clearWindow();
  }

  sample(s: ConcurrencySample, now: number): void {
    if (this.windowStart === null) this.windowStart = now;
    if (s.dropped) this.drops++;
    else this.latencies.push(s.latencyMs);
    this.peak = Math.max(this.peak, s.inFlight);
    const length = Math.max(this.o.windowMs, this.lastLatencyMs ?? 0);
    if (now - this.windowStart >= length) this.closeWindow(now);
  }

  private closeWindow(now: number): void {
    const latency = median(this.latencies);
    const slow = latency !== null && this.baselineMs !== null && latency > this.baselineMs * this.o.tolerance + this.o.slackMs;
    if (this.drops > 0) {
      this.value = Math.max(this.o.min, this.value * this.o.backoff);
    } else if (slow) {
      // Only a rise that lasts: a busy machine stalls answers for a window now and then, which is not congestion.
      if (++this.slowWindows >= this.o.slowWindows) this.latencyBackoff(latency);
    } else if (this.peak >= this.limit) {
      this.value = Math.min(this.o.max, this.value + Math.max(1, this.value * this.o.growth));
    }
    if (!slow) {
      this.slowWindows = 0;
      this.latencyBackoffs = 0;
    }
    if (latency !== null) this.follow(latency);
    this.windowStart = now;
    this.clearWindow();
  }

  private latencyBackoff(latency: number): void {
    if (this.latencyBackoffs++ === 0) this.latencyAtFirstBackoff = latency;
    if (this.latencyBackoffs > this.o.newNormalAfter) {
      if (latency > this.latencyAtFirstBackoff * this.o.stillSlow) {
        // Fewer requests did not make it faster: the destination is slower now, not queueing ours.
        this.baselineMs = latency;
        this.slowWindows = 0;
        this.latencyBackoffs = 0;
        return;
      }
      // They did: judge the next backoffs against the latency now (our queueing may be gone, the destination still slow).
      this.latencyBackoffs = 1;
      this.latencyAtFirstBackoff = latency;
    }
    this.value = Math.max(this.o.min, this.value * this.o.latencyBackoff);
  }

  private follow(latency: number): void {
    this.lastLatencyMs = latency;
    if (this.baselineMs === null || latency < this.baselineMs) this.baselineMs = latency;
  }

  private clearWindow(): void {
    this.latencies.length = 0;
    this.drops = 0;
    this.peak = 0;
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

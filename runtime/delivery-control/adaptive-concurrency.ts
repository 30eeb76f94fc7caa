/**
 * How many events of one function may be at its destination at once, found by the function itself: AIMD with
 * a latency gradient (after Netflix's concurrency-limits). Samples are judged per window (at least `windowMs`
 * and one latency long):
 * - a drop (429, 503, a timeout, any retryable failure) → limit × `backoff`;
 * - the window's median latency above `tolerance` × the baseline + `slackMs` for `slowWindows` windows in a row (the
 *   destination queues our requests) → limit × `latencyBackoff`;
 * - otherwise, if the limit was reached in the window (we could have used more) → limit grows by `growth`
 *   (at least 1), up to `max` (function.json maxConcurrency).
 * The baseline follows the latency down at once and up with a time constant of `baselineMs`: a destination
 * that becomes slower for good (2 ms → 200 ms) is first backed off from, then accepted as its new normal,
 * and the limit grows again so throughput recovers (Little's law: limit = rate × latency).
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
  baselineMs?: number;
  backoff?: number;
  latencyBackoff?: number;
  growth?: number;
  /** Consecutive slow windows before the latency backs the limit off. */
  slowWindows?: number;
}

export interface ConcurrencySample {
  /** The handler's duration: the destination's latency as the function saw it. */
  latencyMs: number;
  /** A retryable outcome (429/503/timeout/error): the destination did not take it. */
  dropped: boolean;
  /** Events at the destination when this one finished (itself included). */
  inFlight: number;
}

const DEFAULTS = { min: 1, windowMs: 100, tolerance: 2, slackMs: 5, baselineMs: 5000, backoff: 0.75, latencyBackoff: 0.9, growth: 0.1, slowWindows: 3 };

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
  private baselineAt = 0;
  private slowWindows = 0;

  constructor(options: AdaptiveConcurrencyOptions) {
    const max = Math.max(1, Math.floor(options.max));
    const min = Math.min(max, options.min ?? DEFAULTS.min);
    this.o = { ...DEFAULTS, initial: Math.min(max, 10), ...options, max, min };
    this.value = Math.max(min, Math.min(max, this.o.initial));
  }

  /** Events that may be at the destination at once now. */
  get limit(): number { return Math.max(this.o.min, Math.floor(this.value)); }
  get max(): number { return this.o.max; }
  /** Median latency of the last window with a success (ms), or null before the first. */
  get latencyMs(): number | null { return this.lastLatencyMs; }
  /** The latency judged normal (ms). */
  get baseline(): number | null { return this.baselineMs; }

  /** Start again from the initial limit (after a pause: the destination's state is unknown). */
  reset(): void {
    this.value = Math.max(this.o.min, Math.min(this.o.max, this.o.initial));
    this.windowStart = null;
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
    if (this.drops > 0) {
      this.value = Math.max(this.o.min, this.value * this.o.backoff);
    } else if (latency !== null && this.baselineMs !== null && latency > this.baselineMs * this.o.tolerance + this.o.slackMs) {
      // Only a rise that lasts: a busy machine stalls answers for a window now and then, which is not congestion.
      if (++this.slowWindows >= this.o.slowWindows) this.value = Math.max(this.o.min, this.value * this.o.latencyBackoff);
    } else if (this.peak >= this.limit) {
      this.value = Math.min(this.o.max, this.value + Math.max(1, this.value * this.o.growth));
    }
    if (latency === null || latency <= (this.baselineMs ?? Infinity) * this.o.tolerance + this.o.slackMs) this.slowWindows = 0;
    if (latency !== null) this.follow(latency, now);
    this.windowStart = now;
    this.clearWindow();
  }

  private follow(latency: number, now: number): void {
    this.lastLatencyMs = latency;
    if (this.baselineMs === null || latency <= this.baselineMs) this.baselineMs = latency;
    else this.baselineMs += (latency - this.baselineMs) * Math.min(1, (now - this.baselineAt) / this.o.baselineMs);
    this.baselineAt = now;
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

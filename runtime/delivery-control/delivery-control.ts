/**
 * Everything that decides how fast one function delivers, in one place for the local dispatcher and the
 * destination Lambda: the adaptive concurrency limit (ceiling: maxConcurrency), the adaptive rate ceiling learnt
 * from refusals, the configured `rateLimit` (a token bucket: never exceeded), the circuit breaker and an
 * operator's pause. The caller asks `allowance` before starting events, reports `started` and `finished`.
 * Time is passed in (ms); no I/O.
 */
import type { Outcome } from '../delivery';
import { AdaptiveConcurrency, type AdaptiveConcurrencyOptions } from './adaptive-concurrency';
import { AdaptiveRate, type AdaptiveRateOptions } from './adaptive-rate';
import { CircuitBreaker, type BreakerChange, type CircuitBreakerOptions } from './circuit-breaker';
import { OutcomeWindow } from './outcome-window';
import { defaultBurst, TokenBucket } from './token-bucket';

export interface RateLimit { perSecond: number; burst?: number }

export interface DeliveryControlOptions {
  /** The ceiling of the adaptive limit (function.json maxConcurrency). */
  maxConcurrency: number;
  /** function.json rateLimit. */
  rateLimit?: RateLimit | null;
  concurrency?: Omit<AdaptiveConcurrencyOptions, 'max'>;
  rate?: AdaptiveRateOptions;
  /** false: never pauses by itself. */
  breaker?: CircuitBreakerOptions | false;
}

export interface Allowance {
  /** Events that may start now. */
  count: number;
  /** Paused: the one event allowed is a probe. */
  probe: boolean;
  /** When `count` is 0: ms until one may start (tokens, next probe), or null (when an event finishes / resumed). */
  waitMs: number | null;
}

/** What an attempt's outcome tells about the destination. */
/** Errors JavaScript itself throws: from the function's code, not from the destination (RetryError, FetchError, TimeoutError…). */
const CODE_ERRORS: ReadonlySet<string> = new Set(['Error', 'TypeError', 'ReferenceError', 'SyntaxError', 'RangeError', 'EvalError', 'URIError']);

export type FinishedAttempt = Pick<Outcome, 'status' | 'durationMs' | 'retryAfterMs' | 'error' | 'destinationFailed'>;

export type RecentKind = 'delivered' | 'discarded' | 'retried';

export interface DeliveryControlStatus {
  limit: number;
  maxConcurrency: number;
  /** Median latency of the last window with a success (ms); before the first window closed, of the successes so far. */
  latencyMs: number | null;
  /** The rate ceiling learnt from refusals (per second), or null. */
  learntRatePerSecond: number | null;
  /** The rate the destination took without refusing, measured at the last refusal (per second), or null. */
  measuredRatePerSecond: number | null;
  rateLimit: { perSecond: number; burst: number } | null;
  paused: boolean;
  pausedBy: 'operator' | 'breaker' | null;
  reason: string | null;
  pausedSince: number | null;
  nextProbeAt: number | null;
  /** Attempts of the last minute. */
  recent: Record<RecentKind, number>;
}

export class DeliveryControl {
  private readonly concurrency: AdaptiveConcurrency;
  private readonly learnt: AdaptiveRate;
  private readonly bucket: TokenBucket | null;
  private readonly burst: number;
  private readonly breaker: CircuitBreaker | null;
  private readonly recent = new OutcomeWindow<RecentKind>(60_000);
  private operator: { reason: string; since: number } | null = null;
  private probeRunning = false;

  constructor(private readonly options: DeliveryControlOptions, now: number) {
    this.concurrency = new AdaptiveConcurrency({ ...options.concurrency, max: options.maxConcurrency });
    this.learnt = new AdaptiveRate(options.rate);
    const limit = options.rateLimit;
    this.burst = limit ? limit.burst ?? defaultBurst(limit.perSecond) : 0;
    this.bucket = limit ? new TokenBucket(limit.perSecond, this.burst, now) : null;
    this.breaker = options.breaker === false ? null : new CircuitBreaker(options.breaker);
  }

  get limit(): number { return this.concurrency.limit; }
  get paused(): boolean { return this.operator !== null || (this.breaker?.open ?? false); }

  /** How many events may start now, `inFlight` being those at the destination (started, not finished). */
  allowance(inFlight: number, now: number): Allowance {
    if (this.operator) return { count: 0, probe: false, waitMs: null };
    if (this.breaker?.open) {
      if (this.probeRunning || inFlight > 0) return { count: 0, probe: false, waitMs: null };
      if (!this.breaker.canProbe(now)) return { count: 0, probe: false, waitMs: Math.max(1, (this.breaker.nextProbeAt ?? now) - now) };
      return this.withTokens(1, true, now);
    }
    return this.withTokens(Math.max(0, this.concurrency.limit - inFlight), false, now);
  }

  /** `n` events started (after `allowance`). */
  started(n: number, probe: boolean, now: number): void {
    if (n <= 0) return;
    this.bucket?.take(n, now);
    this.learnt.started(n, now);
    if (probe) {
      this.probeRunning = true;
      this.breaker?.probeStarted();
    }
  }

  /** An event finished; `inFlight` counts it. Returns whether the breaker opened or closed. */
  finished(attempt: FinishedAttempt, inFlight: number, now: number): BreakerChange {
    const dropped = attempt.status === 'retry';
    // A 429/503 that says when to come back is about the request rate: the learnt rate answers it, the
    // concurrency limit keeps its level. Any other retryable failure (timeout, 5xx, refused) lowers the limit.
    const rateRefusal = dropped && attempt.retryAfterMs !== undefined;
    // A function's own bug (a plain Error, TypeError… it threw) says nothing about the destination's load, unless
    // the event's last request had just failed (a 429, a 5xx, no answer): then it is how the function reported that.
    const destinationTrouble = dropped && (attempt.destinationFailed === true || !(attempt.error && CODE_ERRORS.has(attempt.error.name)));
    this.recent.add(dropped ? 'retried' : attempt.status === 'delivered' ? 'delivered' : 'discarded', now);
    if (!rateRefusal) this.concurrency.sample({ latencyMs: attempt.durationMs, dropped: destinationTrouble, inFlight }, now);
    this.learnt.finished(destinationTrouble, now, attempt.retryAfterMs);
    this.probeRunning = false;
    const change = this.breaker?.record({ ok: !dropped, retryAfterMs: attempt.retryAfterMs, error: attempt.error?.name }, now) ?? null;
    // The destination is back: start again from the initial limit and no learnt rate.
    if (change === 'closed') this.restart();
    return change;
  }

  /** An event started was let go without an outcome (never ran): a probe among them may be tried again. */
  abandoned(): void {
    if (!this.probeRunning) return;
    this.probeRunning = false;
    this.breaker?.probeAbandoned();
  }

  pause(reason: string, now: number): void {
    this.operator = { reason, since: this.operator?.since ?? now };
  }

  /** Resume after an operator's pause, and close the breaker if open. */
  resume(): void {
    const wasPaused = this.paused;
    this.operator = null;
    if (this.breaker?.open) this.breaker.close();
    if (wasPaused) this.restart();
  }

  status(now: number): DeliveryControlStatus {
    const counts = this.recent.counts(now);
    const byBreaker = !this.operator && (this.breaker?.open ?? false);
    return {
      limit: this.concurrency.limit,
      maxConcurrency: this.concurrency.max,
      latencyMs: this.concurrency.latencyMs,
      learntRatePerSecond: this.learnt.perSecond,
      measuredRatePerSecond: this.learnt.knownGood,
      rateLimit: this.options.rateLimit ? { perSecond: this.options.rateLimit.perSecond, burst: this.burst } : null,
      paused: this.paused,
      pausedBy: this.operator ? 'operator' : byBreaker ? 'breaker' : null,
      reason: this.operator?.reason ?? (byBreaker ? this.breaker?.reason ?? null : null),
      pausedSince: this.operator?.since ?? (byBreaker ? this.breaker?.openedAt ?? null : null),
      nextProbeAt: byBreaker ? this.breaker?.nextProbeAt ?? null : null,
      recent: { delivered: counts.delivered ?? 0, discarded: counts.discarded ?? 0, retried: counts.retried ?? 0 },
    };
  }

  private restart(): void {
    this.concurrency.reset();
    this.learnt.reset();
    this.probeRunning = false;
  }

  private withTokens(want: number, probe: boolean, now: number): Allowance {
    if (want <= 0) return { count: 0, probe: false, waitMs: null };
    const tokens = Math.min(this.bucket ? this.bucket.available(now) : Infinity, this.learnt.available(now));
    if (tokens >= 1) return { count: Math.min(want, tokens), probe, waitMs: null };
    const waitMs = Math.max(this.bucket?.msUntilToken(now) ?? 0, this.learnt.msUntilToken(now), 1);
    return { count: 0, probe: false, waitMs };
  }
}

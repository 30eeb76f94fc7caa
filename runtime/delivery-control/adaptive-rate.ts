/**
 * A rate ceiling learnt from the destination's refusals (429, 503, …). Unlimited until the first refusal.
 *
 * A refusal means the destination's allowance was used up at that instant. Between two such instants a
 * rate-limited destination accepted its rate N times the time between them, whatever its burst (a token bucket
 * exactly, less only if it filled up meanwhile; a window within one window's worth): so the events accepted since the
 * last cut, over the time since it, measure N (over its last 10 s when the cut is older: N may have changed since,
 * and 10 s overestimate it by a tenth of its burst at most). (A cut of a fixed 10 % instead overshot N by ~15 %
 * between decreases: 5–8 % of events refused.)
 * - First refusal (nothing measured yet): ceiling = `backoff` × the events accepted in the last second.
 * - Later refusals, at least MIN_SPAN_MS after the last cut: ceiling = (1 − `margin`) × the refusal-free rate
 *   measured since the last cut (the known-good rate), never less than half the ceiling at once (half it, and
 *   no rate known, when nothing was accepted: the destination is down). Refusals sooner than that are of events
 *   sent before the cut and are not counted again.
 * - After a cut, no growth for 2 s or the destination's Retry-After (capped), whichever is longer.
 * - Then, while the ceiling is what limits delivery, it grows by `probe` × the known-good rate per second
 *   (additive: the ceiling crosses N slowly, so few events are sent above it before the next refusal), plus
 *   `growth` × its distance above the known-good rate (exponential once well above it: the destination's limit
 *   was raised). Without a known-good rate yet, it grows by `startGrowth` per second.
 * - Lifted after `liftAfterMs` without a refusal once it no longer limits delivery.
 * A destination that takes N a second is then sent between (1 − margin) N and a few % above N, and refuses only
 * the few events sent while the ceiling crosses N. Time is passed in (ms).
 */
import { RecentCount } from './recent-count';
import { TokenBucket } from './token-bucket';

export interface AdaptiveRateOptions {
  /** First refusal: multiplies the events accepted in the last second. */
  backoff?: number;
  /** Later refusals: the ceiling is this much below the refusal-free rate measured since the last cut. */
  margin?: number;
  /** Additive growth per second, as a fraction of the known-good rate. */
  probe?: number;
  /** Multiplicative growth per second of the part of the ceiling above the known-good rate. */
  growth?: number;
  /** Multiplicative growth per second before a rate was measured (the first cut only bounds it from above). */
  startGrowth?: number;
  /** Never below this many per second. */
  minPerSecond?: number;
  /** Ceiling lifted after this long without a drop while it is not what limits delivery. */
  liftAfterMs?: number;
}

const DEFAULTS: Required<AdaptiveRateOptions> = { backoff: 0.9, margin: 0.03, probe: 0.02, growth: 0.1, startGrowth: 1, minPerSecond: 1, liftAfterMs: 30_000 };
const SECOND = 1000;
/** A cut measures the rate over at least this long; refusals sooner after a cut are of events sent before it. */
const MIN_SPAN_MS = 1000;
/** No growth for this long after a cut (or the Retry-After, up to MAX_HOLD_MS): the ceiling is probed upwards once it held. */
const HOLD_AFTER_CUT_MS = 2000;
const MAX_HOLD_MS = 30_000;
/** The rate is measured over this long at most. */
const MAX_SPAN_MS = 10_000;
/** One cut at most halves the ceiling (a measure spoilt by a stall of the sender must not collapse it). */
const MAX_CUT = 0.5;

interface Mark { at: number; accepted: number }

export class AdaptiveRate {
  private readonly o: Required<AdaptiveRateOptions>;
  private bucket: TokenBucket | null = null;
  private readonly sent = new RecentCount();
  private readonly acceptedLastSecond = new RecentCount();
  private accepted = 0;
  /** The last cut: when, and `accepted` then. */
  private cut: Mark | null = null;
  /** `accepted` about once a second over the last MAX_SPAN_MS. */
  private readonly marks: Mark[] = [];
  /** The refusal-free rate measured at the last cut (per second), or null. */
  private good: number | null = null;
  private holdUntil = 0;
  private lastGrowthAt = 0;

  constructor(options: AdaptiveRateOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
  }

  /** The current ceiling (per second), or null when none. */
  get perSecond(): number | null { return this.bucket ? this.bucket.rate : null; }
  /** The refusal-free rate measured at the last cut (per second), or null. */
  get knownGood(): number | null { return this.good; }

  /** How many may start now (Infinity when no ceiling). */
  available(now: number): number {
    this.grow(now);
    return this.bucket ? this.bucket.available(now) : Infinity;
  }

  msUntilToken(now: number): number {
    return this.bucket ? this.bucket.msUntilToken(now) : 0;
  }

  started(n: number, now: number): void {
    if (this.bucket) this.bucket.take(n, now);
    this.sent.add(n, now);
  }

  /** @param retryAfterMs how long the destination asked to wait (its Retry-After), when it said. */
  finished(dropped: boolean, now: number, retryAfterMs?: number): void {
    if (!dropped) {
      this.accepted++;
      this.acceptedLastSecond.add(1, now);
      this.mark(now);
      return;
    }
    this.mark(now);
    if (this.cut && now - this.cut.at < MIN_SPAN_MS) return;
    let next: number;
    if (this.bucket && this.cut) {
      const from = this.measureFrom(this.cut, now);
      const measured = this.accepted - from.accepted;
      // Nothing accepted: the destination was down, not limiting a rate; what was known of its rate no longer holds.
      this.good = measured > 0 ? measured / ((now - from.at) / SECOND) : null;
      const floor = this.bucket.rate * MAX_CUT;
      next = this.good === null ? floor : Math.max(floor, Math.min(this.good, this.bucket.rate) * (1 - this.o.margin));
    } else {
      next = this.acceptedLastSecond.total(now) * this.o.backoff;
    }
    this.set(Math.max(this.o.minPerSecond, next), now);
    // The destination has nothing left to give: tokens saved up here would be refused too.
    this.bucket?.take(Infinity, now);
    this.cut = { at: now, accepted: this.accepted };
    this.holdUntil = now + Math.max(HOLD_AFTER_CUT_MS, Math.min(MAX_HOLD_MS, retryAfterMs ?? 0));
    this.lastGrowthAt = now;
  }

  reset(): void {
    this.bucket = null;
    this.sent.clear();
    this.acceptedLastSecond.clear();
    this.cut = null;
    this.marks.length = 0;
    this.good = null;
  }

  private mark(now: number): void {
    const last = this.marks[this.marks.length - 1];
    if (last && now - last.at < SECOND) return;
    this.marks.push({ at: now, accepted: this.accepted });
    while (now - this.marks[0].at > MAX_SPAN_MS) this.marks.shift();
  }

  /** The last cut, or the first mark of the last MAX_SPAN_MS (at least MIN_SPAN_MS ago) when the cut is older. */
  private measureFrom(cut: Mark, now: number): Mark {
    if (now - cut.at <= MAX_SPAN_MS) return cut;
    return this.marks.find((m) => m.at >= cut.at && now - m.at <= MAX_SPAN_MS && now - m.at >= MIN_SPAN_MS) ?? cut;
  }

  private grow(now: number): void {
    if (!this.bucket || now - this.lastGrowthAt < 100) return;
    if (now < this.holdUntil) {
      this.lastGrowthAt = now;
      return;
    }
    const sent = this.sent.total(now);
    const rate = this.bucket.rate;
    if (this.cut && now - this.cut.at >= this.o.liftAfterMs && sent < rate / 2) return this.reset();
    // A ceiling grows while it limits delivery, or while it is below twice what is sent: one far above what is
    // sent would overshoot N when sending picks up.
    if (sent >= rate * 0.8 || rate < sent * 2) {
      const seconds = (now - this.lastGrowthAt) / SECOND;
      const perSecond = this.good === null
        ? rate * this.o.startGrowth
        : this.good * this.o.probe + Math.max(0, rate - this.good) * this.o.growth;
      this.set(rate + perSecond * seconds, now);
    }
    this.lastGrowthAt = now;
  }

  private set(perSecond: number, now: number): void {
    // A quarter of a second's worth: a busy event loop wakes late, and a smaller bucket would lose the tokens
    // earned meanwhile (2 tokens per 130 ms wake-up is 15/s whatever the ceiling).
    const burst = Math.max(2, perSecond / 4);
    if (this.bucket) this.bucket.setRate(perSecond, burst, now);
    else this.bucket = new TokenBucket(perSecond, burst, now);
  }
}

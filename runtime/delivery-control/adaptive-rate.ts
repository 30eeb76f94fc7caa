/**
 * A rate ceiling learnt from the destination's refusals. Unlimited until a drop (429, 503, …); then the
 * ceiling is 90 % of what was sent in the last second, lowered by 10 % at most once a second while refusals
 * continue, held for 2 s after the last one, then raised by `growth` (10 %) per second while it is what limits delivery (lifted after
 * `liftAfterMs` without a drop when it no longer does). A destination that takes N requests a second is
 * then sent between ~0.9 N and N, and refuses only the few sent while the ceiling crosses N. Concurrency alone
 * cannot do this when the destination answers faster than its rate allows (1 ms answers, 100/s allowed).
 * Time is passed in (ms).
 */
import { TokenBucket } from './token-bucket';

export interface AdaptiveRateOptions {
  /** Multiplies the rate of the last second on a drop. */
  backoff?: number;
  /** Growth per second without a drop (0.1 = +10 %/s). */
  growth?: number;
  /** Never below this many per second. */
  minPerSecond?: number;
  /** Ceiling lifted after this long without a drop while it is not what limits delivery. */
  liftAfterMs?: number;
}

const DEFAULTS: Required<AdaptiveRateOptions> = { backoff: 0.9, growth: 0.1, minPerSecond: 1, liftAfterMs: 30_000 };
const SECOND = 1000;
/** Refusals lower the ceiling at most this often (one answer's worth of feedback, not one per refused event). */
const DECREASE_EVERY_MS = 1000;
/** No growth for this long after a refusal: the ceiling is probed upwards only once it held. */
const HOLD_AFTER_DROP_MS = 2000;

export class AdaptiveRate {
  private readonly o: Required<AdaptiveRateOptions>;
  private bucket: TokenBucket | null = null;
  /** Sends of the last second, per tenth of a second. */
  private readonly sent = new RecentCount();
  private nextDecreaseAt = 0;
  private lastGrowthAt = 0;
  private lastDropAt = 0;

  constructor(options: AdaptiveRateOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
  }

  /** The current ceiling (per second), or null when none. */
  get perSecond(): number | null { return this.bucket ? this.bucket.rate : null; }

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

  finished(dropped: boolean, now: number): void {
    if (!dropped || now < this.nextDecreaseAt) return;
    // The first refusal anchors the ceiling to what was sent; later ones lower the ceiling itself (re-anchoring to
    // a second in which something else held sending back would ratchet it down).
    const next = this.bucket ? this.bucket.rate * this.o.backoff : this.sent.total(now) * this.o.backoff;
    this.set(Math.max(this.o.minPerSecond, next), now);
    this.nextDecreaseAt = now + DECREASE_EVERY_MS;
    this.lastDropAt = now;
    this.lastGrowthAt = now;
  }

  reset(): void {
    this.bucket = null;
    this.sent.clear();
    this.nextDecreaseAt = 0;
  }

  private grow(now: number): void {
    if (!this.bucket || now - this.lastGrowthAt < 100) return;
    if (now - this.lastDropAt < HOLD_AFTER_DROP_MS) {
      this.lastGrowthAt = now;
      return;
    }
    if (now - this.lastDropAt >= this.o.liftAfterMs && this.sent.total(now) < this.bucket.rate / 2) return this.reset();
    // A ceiling grows while it limits delivery, or while it is below twice what is sent: one far above what is
    // sent would overshoot N when sending picks up.
    const sent = this.sent.total(now);
    if (sent >= this.bucket.rate * 0.8 || this.bucket.rate < sent * 2) {
      this.set(this.bucket.rate * (1 + this.o.growth * ((now - this.lastGrowthAt) / SECOND)), now);
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

/** A count over the last second in ten slots of 100 ms. */
class RecentCount {
  private readonly slots = new Array<number>(10).fill(0);
  private slot = 0;

  add(n: number, now: number): void {
    this.advance(now);
    this.slots[this.slot % 10] += n;
  }

  total(now: number): number {
    this.advance(now);
    return this.slots.reduce((a, b) => a + b, 0);
  }

  clear(): void { this.slots.fill(0); }

  private advance(now: number): void {
    const slot = Math.floor(now / 100);
    if (slot <= this.slot) return;
    for (let s = Math.max(this.slot + 1, slot - 9); s <= slot; s++) this.slots[s % 10] = 0;
    this.slot = slot;
  }
}

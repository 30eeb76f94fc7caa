/**
 * A token bucket: `burst` tokens at most, refilled continuously at `perSecond`. Over any interval of t seconds
 * it grants at most burst + perSecond × t. Time is passed in (ms), so it is tested with a fake clock.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(private perSecond: number, private burst: number, now: number) {
    this.tokens = burst;
    this.at = now;
  }

  get rate(): number { return this.perSecond; }

  /** Change the rate (and burst); tokens already earned are kept up to the new burst. */
  setRate(perSecond: number, burst: number, now: number): void {
    this.refill(now);
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  /** Whole tokens available now. */
  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Take up to `n` tokens; returns how many were taken. */
  take(n: number, now: number): number {
    const granted = Math.min(n, this.available(now));
    this.tokens -= granted;
    return granted;
  }

  /** Milliseconds until one whole token is available (0 when one is). */
  msUntilToken(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = Math.max(this.at, now);
  }
}

/** Default burst of a `rateLimit` without one: a tenth of a second's worth, at least 1. */
export function defaultBurst(perSecond: number): number {
  return Math.max(1, Math.ceil(perSecond / 10));
}

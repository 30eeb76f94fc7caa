/**
 * Pauses a function whose destination is failing, so its queued events keep their attempts: it opens after
 * `consecutive` retryable failures in a row, or when they are at least `ratio` of `minSamples`+ outcomes of
 * the last `windowMs`. Open, it lets one probe event through every `probeMs` (doubling after each failed probe up
 * to `maxProbeMs`, and never sooner than a Retry-After); any success closes it. Time is passed in (ms).
 */
import { OutcomeWindow } from './outcome-window';

export interface CircuitBreakerOptions {
  consecutive?: number;
  ratio?: number;
  minSamples?: number;
  windowMs?: number;
  probeMs?: number;
  maxProbeMs?: number;
}

export interface BreakerResult {
  ok: boolean;
  /** The destination asked to wait this long (Retry-After). */
  retryAfterMs?: number;
  /** Short description of the failure (the error's name), for the reason. */
  error?: string;
}

export type BreakerChange = 'opened' | 'closed' | null;

const DEFAULTS: Required<CircuitBreakerOptions> = {
  consecutive: 20, ratio: 0.5, minSamples: 40, windowMs: 30_000, probeMs: 1000, maxProbeMs: 15_000,
};

export class CircuitBreaker {
  private readonly o: Required<CircuitBreakerOptions>;
  private readonly window: OutcomeWindow<'ok' | 'failed'>;
  private failuresInARow = 0;
  private openReason: string | null = null;
  private openedAtMs = 0;
  private nextProbe = 0;
  private probeDelay: number;
  private probing = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
    this.window = new OutcomeWindow(this.o.windowMs);
    this.probeDelay = this.o.probeMs;
  }

  get open(): boolean { return this.openReason !== null; }
  get reason(): string | null { return this.openReason; }
  get openedAt(): number | null { return this.open ? this.openedAtMs : null; }
  /** When the next probe may start (ms), or null when closed. */
  get nextProbeAt(): number | null { return this.open ? this.nextProbe : null; }

  /** Open and no probe running: may one start now? */
  canProbe(now: number): boolean {
    return this.open && !this.probing && now >= this.nextProbe;
  }

  probeStarted(): void { this.probing = true; }
  /** The probe never ran (handed back): another may start. */
  probeAbandoned(): void { this.probing = false; }

  record(result: BreakerResult, now: number): BreakerChange {
    if (result.ok) {
      this.failuresInARow = 0;
      this.window.add('ok', now);
      if (!this.open) return null;
      this.close();
      return 'closed';
    }
    this.failuresInARow++;
    this.window.add('failed', now);
    if (this.open) {
      // A failed probe (or an event sent before opening): wait longer before the next one.
      this.probing = false;
      this.nextProbe = now + Math.max(this.probeDelay, result.retryAfterMs ?? 0);
      this.probeDelay = Math.min(this.o.maxProbeMs, this.probeDelay * 2);
      return null;
    }
    const reason = this.tripReason(now, result.error);
    if (reason === null) return null;
    this.openReason = reason;
    this.openedAtMs = now;
    this.probing = false;
    this.probeDelay = this.o.probeMs;
    this.nextProbe = now + Math.max(this.probeDelay, result.retryAfterMs ?? 0);
    this.probeDelay = Math.min(this.o.maxProbeMs, this.probeDelay * 2);
    return 'opened';
  }

  /** Closed again by hand (an operator's resume). */
  close(): void {
    this.openReason = null;
    this.failuresInARow = 0;
    this.probing = false;
    this.probeDelay = this.o.probeMs;
    this.window.clear();
  }

  private tripReason(now: number, error: string | undefined): string | null {
    const what = error ? ` (last: ${error})` : '';
    if (this.failuresInARow >= this.o.consecutive) return `${this.failuresInARow} retryable failures in a row${what}`;
    const c = this.window.counts(now);
    const failed = c.failed ?? 0;
    const total = failed + (c.ok ?? 0);
    if (total >= this.o.minSamples && failed / total >= this.o.ratio) {
      return `${Math.round((failed / total) * 100)}% of ${total} attempts in ${Math.round(this.o.windowMs / 1000)} s failed${what}`;
    }
    return null;
  }
}

/**
 * A fake-clock run of DeliveryControl against a destination that takes `perSecond` requests a second (a token
 * bucket of `burst`) and answers 429 + Retry-After above it, like bench/delivery-control.ts scenario (a): a
 * backlog of `events`, refused events retried after the Retry-After, the sender waking every 1…`maxWakeMs` ms
 * (a busy event loop wakes late; the same sequence every run).
 */
import { DeliveryControl, type FinishedAttempt } from '../../runtime/delivery-control';

const GOLDEN = (Math.sqrt(5) - 1) / 2;

export interface RateRun {
  perSecond: number;
  burst?: number;
  latencyMs?: number;
  events?: number;
  maxWakeMs?: number;
  retryAfterMs?: number;
  /** The destination's rate from a given time on (ms), instead of `perSecond` (a limit raised or lowered). */
  perSecondAt?: (ms: number) => number;
}

export interface RateResult {
  /** Events accepted by the destination in each second. */
  acceptedPerSecond: number[];
  /** Share of the events refused at least once. */
  retriedShare: number;
  delivered: number;
  /** Seconds until the last event was delivered. */
  seconds: number;
  control: DeliveryControl;
}

export function simulateRateLimited(run: RateRun): RateResult {
  const { perSecond, burst = perSecond, latencyMs = 2, events = perSecond * 40, maxWakeMs = 5, retryAfterMs = 1000 } = run;
  const control = new DeliveryControl({ maxConcurrency: 200, breaker: false }, 0);
  let tokens = burst;
  let tokensAt = 0;
  let backlog = events;
  const retries: number[] = []; // times the refused events may go again (in order: Retry-After is constant)
  const answers: { at: number; refused: boolean }[] = []; // in order: latency is constant
  const refusedOnce = { count: 0, budget: 0 };
  const acceptedPerSecond: number[] = [];
  let inFlight = 0;
  let delivered = 0;
  let now = 0;
  let wakes = 0;
  while (delivered < events && now < 600_000) {
    while (answers.length > 0 && answers[0].at <= now) {
      const { refused } = answers.shift()!;
      const attempt: FinishedAttempt = refused
        ? { status: 'retry', durationMs: latencyMs, error: { name: 'RetryError', message: '429' }, retryAfterMs }
        : { status: 'delivered', durationMs: latencyMs, error: null };
      control.finished(attempt, inFlight, now);
      inFlight--;
      if (refused) retries.push(now + retryAfterMs);
      else delivered++;
    }
    let ready = backlog;
    for (const at of retries) { if (at > now) break; ready++; }
    const n = Math.min(ready, control.allowance(inFlight, now).count);
    if (n > 0) {
      control.started(n, false, now);
      for (let i = 0; i < n; i++) {
        if (retries.length > 0 && retries[0] <= now) retries.shift();
        else { backlog--; refusedOnce.budget++; }
        tokens = Math.min(burst, tokens + ((now - tokensAt) / 1000) * (run.perSecondAt?.(now) ?? perSecond));
        tokensAt = now;
        const refused = tokens < 1;
        if (refused) refusedOnce.count++;
        else {
          tokens--;
          acceptedPerSecond[Math.floor(now / 1000)] = (acceptedPerSecond[Math.floor(now / 1000)] ?? 0) + 1;
        }
        inFlight++;
        answers.push({ at: now + latencyMs, refused });
      }
    }
    // Irregular but reproducible wake-ups: the fractional parts of multiples of the golden ratio spread over [0, 1).
    now += 1 + Math.floor(((++wakes * GOLDEN) % 1) * maxWakeMs);
  }
  for (let s = 0; s < acceptedPerSecond.length; s++) acceptedPerSecond[s] ??= 0;
  // Each refusal is retried: an event refused twice counts twice here, an upper bound of the events retried.
  return { acceptedPerSecond, retriedShare: refusedOnce.count / events, delivered, seconds: now / 1000, control };
}

/**
 * The retry schedule shared by the local engine and the AWS destination handler.
 *
 * `attempts` deliveries in all (1 + attempts-1 retries) spread over `windowHours` with exponential
 * backoff: delay i (0-based) = base * 2^i, base chosen so the delays add up to the window, each
 * delay jittered by ±JITTER so retries of many events do not stampede. Because the jitter is
 * bounded, the total always lands within window × (1 ± JITTER). No delay exceeds 12 h (the SQS
 * visibility-timeout ceiling).
 */
import type { RetryConfig } from '../function/config';

export const MAX_DELAY_MS = 12 * 60 * 60 * 1000;
export const JITTER = 0.1;

/** The schedule's answer; what it means for the message is the settle decision (settle-decision.ts). */
export type NextRetry = { retry: true; delayMs: number } | { retry: false };

/**
 * @param attemptsMade deliveries already made for this event, including the one that just failed (1-based).
 * @param random a source of uniform [0,1) numbers (injectable for tests).
 */
export function nextRetry(attemptsMade: number, config: RetryConfig, random: () => number = Math.random): NextRetry {
  if (attemptsMade >= config.attempts) return { retry: false };
  const retries = config.attempts - 1;
  const windowMs = config.windowHours * 60 * 60 * 1000;
  const baseMs = windowMs / (2 ** retries - 1);
  const nominal = baseMs * 2 ** (attemptsMade - 1);
  const jittered = nominal * (1 - JITTER + 2 * JITTER * random());
  return { retry: true, delayMs: Math.min(MAX_DELAY_MS, Math.max(1, Math.round(jittered))) };
}

/**
 * What happens to a message after one attempt, the same locally and on AWS: a delivered or discarded event is
 * acked; a retryable one is retried after the retry policy's delay until its last attempt, which is
 * dead-lettered. The local queue and SQS each carry the decision out in their own terms.
 */
import type { RetryConfig } from '../function/config';
import type { OutcomeStatus } from './outcome';
import { MAX_DELAY_MS, nextRetry } from './retry-policy';

export type SettleDecision =
  | { action: 'ack'; status: 'delivered' | 'discarded' }
  | { action: 'retry'; status: 'retrying'; delayMs: number }
  | { action: 'dead-letter'; status: 'failed' };

/** The delivery record's status after an attempt (every status but 'filtered'). */
export type SettledStatus = SettleDecision['status'];

export interface RetryTiming {
  /** The destination asked to wait this long (Outcome.retryAfterMs). */
  retryAfterMs?: number | null;
  /** Multiplies the policy's delay, not a Retry-After (DESTFN_RETRY_SCALE locally; 1 on AWS). */
  scale?: number;
}

/**
 * The next attempt waits max(policy delay × scale, Retry-After), capped at 12 h (MAX_DELAY_MS, the SQS
 * visibility ceiling). A Retry-After never adds attempts: the last attempt is dead-lettered whatever it says.
 * @param attempt deliveries made so far including this one (1-based).
 * @param random a source of uniform [0,1) numbers for the retry jitter (injectable for tests).
 */
export function decideSettle(status: OutcomeStatus, attempt: number, retry: RetryConfig, random?: () => number, timing: RetryTiming = {}): SettleDecision {
  if (status === 'delivered' || status === 'discarded') return { action: 'ack', status };
  const next = nextRetry(attempt, retry, random);
  if (!next.retry) return { action: 'dead-letter', status: 'failed' };
  const policyMs = Math.max(1, Math.round(next.delayMs * (timing.scale ?? 1)));
  return { action: 'retry', status: 'retrying', delayMs: Math.min(MAX_DELAY_MS, Math.max(policyMs, timing.retryAfterMs ?? 0)) };
}

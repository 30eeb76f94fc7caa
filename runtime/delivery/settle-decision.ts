/**
 * What happens to a message after one attempt, the same locally and on AWS: a delivered or discarded event is
 * acked; a retryable one is retried after the retry policy's delay until its last attempt, which is
 * dead-lettered. The local queue and SQS each carry the decision out in their own terms.
 */
import type { RetryConfig } from '../function/config';
import type { OutcomeStatus } from './outcome';
import { nextRetry } from './retry-policy';

export type SettleDecision =
  | { action: 'ack'; status: 'delivered' | 'discarded' }
  | { action: 'retry'; status: 'retrying'; delayMs: number }
  | { action: 'dead-letter'; status: 'failed' };

/** The delivery record's status after an attempt (every status but 'filtered'). */
export type SettledStatus = SettleDecision['status'];

/**
 * @param attempt deliveries made so far including this one (1-based).
 * @param random a source of uniform [0,1) numbers for the retry jitter (injectable for tests).
 */
export function decideSettle(status: OutcomeStatus, attempt: number, retry: RetryConfig, random?: () => number): SettleDecision {
  if (status === 'delivered' || status === 'discarded') return { action: 'ack', status };
  const next = nextRetry(attempt, retry, random);
  return next.retry ? { action: 'retry', status: 'retrying', delayMs: next.delayMs } : { action: 'dead-letter', status: 'failed' };
}

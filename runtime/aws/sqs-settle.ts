/**
 * What SQS should do with a message after one attempt, from the shared outcome classification and retry
 * policy: delete it (delivered / discarded), hide it for the policy's delay and retry (retrying), or let it
 * reach the DLQ (failed: the last attempt; visibility 0 so the next receive moves it there at once).
 */
import type { RetryConfig } from '../function/config';
import type { OutcomeStatus } from '../delivery/outcome';
import { nextRetry } from '../delivery/retry-policy';
import { visibilitySeconds } from './visibility';

export type Settlement =
  | { status: 'delivered' | 'discarded'; reportFailure: false }
  | { status: 'retrying'; reportFailure: true; visibilitySeconds: number }
  | { status: 'failed'; reportFailure: true; visibilitySeconds: 0 };

/** @param attempt deliveries made so far including this one (SQS ApproximateReceiveCount). */
export function settle(status: OutcomeStatus, attempt: number, retry: RetryConfig, random?: () => number): Settlement {
  if (status === 'delivered' || status === 'discarded') return { status, reportFailure: false };
  const decision = nextRetry(attempt, retry, random);
  return decision.retry
    ? { status: 'retrying', reportFailure: true, visibilitySeconds: visibilitySeconds(decision.delayMs) }
    : { status: 'failed', reportFailure: true, visibilitySeconds: 0 };
}

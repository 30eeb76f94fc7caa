/**
 * What happens to a message after one attempt: the outcome decides ack / retry later / DLQ, and
 * the delivery record and logs are written in the same transaction as the queue change.
 */
import type { RetryConfig } from '../function/config';
import type { DeliveryStatus, Outcome } from '../delivery/outcome';
import { resultSnippet } from '../delivery/record';
import { nextRetry } from '../delivery/retry-policy';
import type { Db } from './db';
import type { LeasedMessage, Queue } from './queue';
import type { RecordStore } from './records';

export interface Attempt { message: LeasedMessage; outcome: Outcome }

export interface Settled {
  message: LeasedMessage;
  outcome: Outcome;
  status: Exclude<DeliveryStatus, 'filtered'>;
  /** Delay before the next attempt when status is 'retrying'. */
  retryInMs: number | null;
}

export interface SettleOptions {
  retry: RetryConfig;
  /** Multiplies every retry delay (DESTFN_RETRY_SCALE; 0.001 turns hours into seconds). */
  retryScale: number;
  random?: () => number;
}

export interface SettleGroup { attempts: readonly Attempt[]; options: SettleOptions }

/** Apply the outcomes of several batches of attempts (any functions) in one transaction. */
export function createSettler(db: Db, queue: Queue, records: RecordStore) {
  const settleGroup = (attempts: readonly Attempt[], options: SettleOptions, now: number): Settled[] => {
    const settled: Settled[] = [];
    for (const { message, outcome } of attempts) {
      let status: Settled['status'];
      let retryInMs: number | null = null;
      const lastError = outcome.error ? JSON.stringify(outcome.error) : null;
      if (outcome.status === 'delivered' || outcome.status === 'discarded') {
        status = outcome.status;
        queue.ack(message.id);
      } else {
        const decision = nextRetry(message.attempts, options.retry, options.random);
        if (decision.retry) {
          status = 'retrying';
          retryInMs = Math.max(1, Math.round(decision.delayMs * options.retryScale));
          queue.retryAt(message.id, now + retryInMs, message.attempts, lastError);
        } else {
          status = 'failed';
          queue.deadLetter(message.id, message.attempts, lastError, now);
        }
      }
      records.write({
        fn: message.fn,
        messageId: message.messageId,
        status,
        attempts: message.attempts,
        lastError: outcome.error,
        durationMs: outcome.durationMs,
        eventType: message.eventType,
        eventName: message.eventName,
        result: status === 'delivered' ? resultSnippet(outcome.result) : null,
        firstSeenAt: message.enqueuedAt,
      }, now);
      records.writeLogs(message.fn, message.messageId, outcome.logs, now);
      settled.push({ message, outcome, status, retryInMs });
    }
    return settled;
  };
  return db.transaction((groups: readonly SettleGroup[], now: number): Settled[][] =>
    groups.map((g) => settleGroup(g.attempts, g.options, now)));
}

export type Settler = ReturnType<typeof createSettler>;

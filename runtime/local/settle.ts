/**
 * The local engine carries out the settle decision (runtime/delivery/settle-decision.ts) on its queue: ack,
 * retry at a later visible_at, or move to the DLQ; the delivery record and logs are written in the same
 * transaction as the queue change.
 */
import type { RetryConfig } from '../function/config';
import { recordAfterAttempt, decideSettle, type Outcome, type SettleDecision, type SettledStatus } from '../delivery';
import type { Db } from './db';
import type { LeasedMessage, Queue } from './queue';
import { AttemptCounts, type RecordStore } from './records';

export interface Attempt { message: LeasedMessage; outcome: Outcome }

/** An attempt once settled: what the engine reports (`destfn dev` prints one line per settled attempt). */
export interface SettledAttempt {
  message: LeasedMessage;
  outcome: Outcome;
  status: SettledStatus;
  /** Delay before the next attempt when status is 'retrying'. */
  retryInMs: number | null;
}

export interface SettleOptions {
  retry: RetryConfig;
  /** Multiplies every retry policy delay (DESTFN_RETRY_SCALE; 0.001 turns hours into seconds), not a Retry-After. */
  retryScale: number;
  /** The code version of the function that ran these attempts, written into their records. */
  version?: string;
  random?: () => number;
}

export interface SettleGroup { attempts: readonly Attempt[]; options: SettleOptions }

/** Apply the outcomes of several batches of attempts (any functions) in one transaction. */
export function createSettler(db: Db, queue: Queue, records: RecordStore) {
  /** Returns the delay before the next attempt, or null. */
  const applyToQueue = (message: LeasedMessage, decision: SettleDecision, outcome: Outcome, options: SettleOptions, now: number): number | null => {
    const lastError = outcome.error ? JSON.stringify(outcome.error) : null;
    switch (decision.action) {
      case 'ack':
        queue.ack(message.id);
        return null;
      case 'retry':
        queue.retryAt(message.id, now + decision.delayMs, message.attempts, lastError);
        return decision.delayMs;
      case 'dead-letter':
        queue.deadLetter(message.id, message.attempts, lastError, now);
        return null;
    }
  };

  const settleGroup = (attempts: readonly Attempt[], options: SettleOptions, now: number, counts: AttemptCounts): SettledAttempt[] =>
    attempts.map(({ message, outcome }) => {
      const timing = { retryAfterMs: outcome.retryAfterMs, scale: options.retryScale };
      const decision = decideSettle(outcome.status, message.attempts, options.retry, options.random, timing);
      const retryInMs = applyToQueue(message, decision, outcome, options, now);
      // No previous record: the local upsert keeps its firstSeenAt and lastError itself (delivery/store.ts), and
      // the attempts are the queue entry's, so a message replayed from the DLQ counts from 1 again.
      const record = recordAfterAttempt({
        fn: message.fn, messageId: message.messageId, eventType: message.eventType, eventName: message.eventName,
        attempt: message.attempts, queuedAt: new Date(message.enqueuedAt).toISOString(), status: decision.status,
        error: outcome.error, durationMs: outcome.durationMs, result: outcome.result, version: options.version, retryInMs,
      }, null, new Date(now));
      const attemptId = records.writeAttempt({ fn: message.fn, messageId: message.messageId, attempt: message.attempts, status: decision.status, outcome }, now, counts, message.event);
      records.put(record, attemptId);
      return { message, outcome, status: decision.status, retryInMs };
    });

  return db.transaction((groups: readonly SettleGroup[], now: number): SettledAttempt[][] => {
    const counts = new AttemptCounts();
    const settled = groups.map((g) => settleGroup(g.attempts, g.options, now, counts));
    records.writeAttemptCounts(counts, now);
    return settled;
  });
}

export type Settler = ReturnType<typeof createSettler>;

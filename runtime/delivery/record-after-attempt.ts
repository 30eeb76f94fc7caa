/** The delivery record after one attempt at one message, locally and on AWS. */
import type { OutcomeError } from './outcome';
import { resultSnippet, type DeliveryRecord } from './record';
import type { SettledStatus } from './settle-decision';

export interface AttemptFacts {
  fn: string;
  messageId: string;
  eventType: string;
  eventName: string | null;
  /** Deliveries made so far including this one (1-based). */
  attempt: number;
  /** When the message entered the queue (ISO); the previous record's firstSeenAt wins. */
  queuedAt: string;
  status: SettledStatus;
  error: OutcomeError | null;
  /** null when the function never ran (no instance could be built, the message was unreadable). */
  durationMs: number | null;
  /** The handler's return value; kept (as a snippet) only when delivered. */
  result: unknown;
  /** The code version of the function that made this attempt (runtime/function/version.ts), when known. */
  version?: string;
  /** A retrying attempt: in how long its next attempt is due (ms). */
  retryInMs?: number | null;
}

/**
 * @param previous the record this one replaces, or null. A retry that finally succeeds keeps the error that
 * made it wait ("delivered, 4 attempts, last error 503"); the attempts never count backwards.
 */
export function recordAfterAttempt(facts: AttemptFacts, previous: DeliveryRecord | null, now: Date): DeliveryRecord {
  return {
    function: facts.fn,
    messageId: facts.messageId,
    status: facts.status,
    attempts: Math.max(facts.attempt, (previous?.attempts ?? 0) + 1),
    lastError: facts.error ?? previous?.lastError ?? null,
    durationMs: facts.durationMs,
    eventType: facts.eventType,
    eventName: facts.eventName,
    result: facts.status === 'delivered' ? resultSnippet(facts.result) : null,
    firstSeenAt: previous?.firstSeenAt ?? facts.queuedAt,
    updatedAt: now.toISOString(),
    ...(facts.version !== undefined ? { version: facts.version } : {}),
    ...(facts.status === 'retrying' && typeof facts.retryInMs === 'number' ? { nextAttemptAt: new Date(now.getTime() + facts.retryInMs).toISOString() } : {}),
  };
}

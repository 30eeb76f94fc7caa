/**
 * Delivery: what happened to one event in one function and what happens next, the same for the local engine
 * (runtime/local) and the destination Lambda (runtime/aws). A handler's throw is classified into an Outcome;
 * the settle decision turns outcome + attempt + retry config into ack / retry after a delay / dead-letter;
 * the delivery record after the attempt is built once and kept in a DeliveryStore (SQLite or DynamoDB).
 * Nothing here does I/O or loads a heavy package: the Lambda bundles import it whole.
 */
export type { Outcome, OutcomeError, OutcomeReason, OutcomeStatus, DeliveryStatus } from './outcome';
export { classifyThrown, describeThrown, isError, MAX_ERROR_MESSAGE_CHARS, type Classification } from './classify';
export { nextRetry, MAX_DELAY_MS, JITTER, type NextRetry } from './retry-policy';
export { decideSettle, type RetryTiming, type SettleDecision, type SettledStatus } from './settle-decision';
export { parseRetryAfter, retryAfterOption } from './retry-after';
export { resultSnippet, RESULT_SNIPPET_BYTES, type DeliveryRecord, type LogRecord } from './record';
export { recordAfterAttempt, type AttemptFacts } from './record-after-attempt';
export type { DeliveryStore } from './store';
export { alreadyDelivered, DEDUPE_WINDOW_MS } from './dedupe';
export { DEFAULT_LIST_LIMIT, type DeliveryQuery } from './query';

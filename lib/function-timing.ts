/**
 * Timeouts and concurrency of one destination function's Lambda and queue, derived from function.json.
 *
 * `maxConcurrency` means events in flight, on AWS as locally (users set it to respect a vendor's rate
 * limit). It is split into concurrent invocations (the SQS event source allows no fewer than 2) times
 * records handled at once per invocation, so their product stays ≤ maxConcurrency (and ≥ 2).
 * One invocation handles a batch of up to BATCH_SIZE messages, recordParallelism at a time, each bounded
 * by the function's own timeoutSeconds. The Lambda timeout covers the slowest possible batch plus a margin
 * for secrets, dedupe and delivery-record writes. The queue's visibility timeout is 6× the Lambda timeout
 * (AWS guidance for SQS event sources: room for the poller's retries before a message reappears).
 */
import type { FunctionConfig } from '../runtime/function/config';

export const BATCH_SIZE = 10;
/** At most this many messages of one batch run at once in the destination handler. */
export const MAX_RECORD_PARALLELISM = 10;
export const MARGIN_SECONDS = 5;
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** The SQS event source's maximumConcurrency accepts 2..1000. */
export const MIN_EVENT_SOURCE_CONCURRENCY = 2;
export const MAX_EVENT_SOURCE_CONCURRENCY = 1000;

export interface FunctionTiming {
  readonly lambdaTimeoutSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly batchSize: number;
  /** Concurrent Lambda invocations (the event source's maximumConcurrency), each handling one batch. */
  readonly maxConcurrency: number;
  /** Messages of one batch handled at once (DESTFN_RECORD_CONCURRENCY). */
  readonly recordParallelism: number;
}

export function functionTiming(config: Pick<FunctionConfig, 'timeoutSeconds' | 'maxConcurrency'>): FunctionTiming {
  const invocations = Math.min(
    MAX_EVENT_SOURCE_CONCURRENCY,
    Math.max(MIN_EVENT_SOURCE_CONCURRENCY, Math.ceil(config.maxConcurrency / MAX_RECORD_PARALLELISM)),
  );
  const recordParallelism = Math.min(MAX_RECORD_PARALLELISM, Math.max(1, Math.floor(config.maxConcurrency / invocations)));
  const rounds = Math.ceil(BATCH_SIZE / recordParallelism);
  const lambdaTimeoutSeconds = Math.min(
    LAMBDA_MAX_TIMEOUT_SECONDS,
    Math.ceil(config.timeoutSeconds) * rounds + MARGIN_SECONDS,
  );
  return {
    lambdaTimeoutSeconds,
    visibilityTimeoutSeconds: 6 * lambdaTimeoutSeconds,
    batchSize: BATCH_SIZE,
    maxConcurrency: invocations,
    recordParallelism,
  };
}

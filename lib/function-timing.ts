/**
 * Timeouts and concurrency of one destination function's Lambda and queue, derived from function.json.
 *
 * One invocation handles a batch of up to BATCH_SIZE messages, HANDLER_PARALLELISM at a time, each bounded
 * by the function's own timeoutSeconds. The Lambda timeout covers the slowest possible batch plus a margin
 * for secrets, dedupe and delivery-record writes. The queue's visibility timeout is 6× the Lambda timeout
 * (AWS guidance for SQS event sources: room for the poller's retries before a message reappears).
 */
import type { FunctionConfig } from '../runtime/function-config';

export const BATCH_SIZE = 10;
/** Messages of one batch the destination handler runs at once (it runs a batch of 10 in parallel). */
export const HANDLER_PARALLELISM = 10;
export const MARGIN_SECONDS = 5;
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** The SQS event source's maximumConcurrency accepts 2..1000. */
export const MIN_EVENT_SOURCE_CONCURRENCY = 2;
export const MAX_EVENT_SOURCE_CONCURRENCY = 1000;

export interface FunctionTiming {
  readonly lambdaTimeoutSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly batchSize: number;
  /**
   * Concurrent Lambda invocations, each handling one batch. Deliveries in flight can therefore reach
   * maxConcurrency × HANDLER_PARALLELISM (the local engine bounds events in flight by maxConcurrency).
   */
  readonly maxConcurrency: number;
}

export function functionTiming(config: Pick<FunctionConfig, 'timeoutSeconds' | 'maxConcurrency'>): FunctionTiming {
  const rounds = Math.ceil(BATCH_SIZE / HANDLER_PARALLELISM);
  const lambdaTimeoutSeconds = Math.min(
    LAMBDA_MAX_TIMEOUT_SECONDS,
    Math.ceil(config.timeoutSeconds) * rounds + MARGIN_SECONDS,
  );
  return {
    lambdaTimeoutSeconds,
    visibilityTimeoutSeconds: 6 * lambdaTimeoutSeconds,
    batchSize: BATCH_SIZE,
    maxConcurrency: Math.min(MAX_EVENT_SOURCE_CONCURRENCY, Math.max(MIN_EVENT_SOURCE_CONCURRENCY, config.maxConcurrency)),
  };
}

/**
 * Batching, concurrency and timeouts of one destination function's Lambda and queue, derived from function.json.
 *
 * `maxConcurrency` means events in flight, on AWS as locally (the ceiling of the adaptive limit; users lower it
 * to respect a vendor's rate limit). It is split into concurrent invocations (the SQS event source allows no
 * fewer than 2) times events handled at once per invocation, so their product stays ≤ maxConcurrency (and ≥ 2).
 *
 * The event source's batch counts SQS messages, and a message holds up to MAX_EVENTS_PER_MESSAGE events (the
 * events of one ingest request, runtime/aws/sqs-message.ts): a batch of BATCH_SIZE messages is at most 112 events,
 * 105 with analytics-node's batches of 15, 70 with analytics.js's of 10 (before packing: 100 messages = 100
 * events). Batches are large because most costs are per invocation or per request, not per event: one
 * invocation, one START/END/REPORT log triple, one summary line and one history page for ~100 events. The
 * event source waits at most MAX_BATCHING_WINDOW_SECONDS to fill a batch (at volume batches fill at once; an
 * event of a quiet function waits up to that long). The events of a batch run recordParallelism at a time, each
 * bounded by the function's own timeoutSeconds; the Lambda timeout covers the slowest such batch (every message
 * full) plus a margin for secrets, dedupe and record writes, and the batch shrinks when that would pass Lambda's
 * 900 s, down to one message. (A function whose one full message cannot fit, 16 events × timeoutSeconds ÷
 * recordParallelism > 895 s, gets 900 s: a message whose events all run to their timeout is then cut, and comes
 * back whole, its settled events skipped.) The queue's visibility timeout is 6× the Lambda timeout plus the
 * batching window (AWS guidance for SQS event sources: room for the poller's retries before a message reappears).
 *
 * Throughput against a destination answering in L seconds: maxConcurrency / L events/s at most (invocations ×
 * recordParallelism events in flight), e.g. 200 = 20 × 10 → 2,000 events/s at 100 ms, and at most ~100–150
 * events/s per invocation by CPU at 256 MB; COST.md works it out.
 */
import type { FunctionConfig } from '../runtime/function/config';
import { MAX_EVENTS_PER_MESSAGE } from '../runtime/aws/sqs-message';

/** SQS messages per batch. */
export const BATCH_SIZE = 7;
export const MAX_BATCHING_WINDOW_SECONDS = 1;
/**
 * At most this many events of one batch run at once in one invocation. More in flight comes from more
 * concurrent invocations rather than more per invocation: a Lambda of 256 MB has 0.145 vCPU, and delivery costs
 * about 1–1.6 ms of CPU per event (bench:aws-path), so one instance carries ~100–150 events/s whatever its
 * concurrency; instances add CPU, records in flight per instance do not.
 */
export const MAX_RECORD_PARALLELISM = 10;
export const MARGIN_SECONDS = 5;
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** The SQS event source's maximumConcurrency accepts 2..1000. */
export const MIN_EVENT_SOURCE_CONCURRENCY = 2;
export const MAX_EVENT_SOURCE_CONCURRENCY = 1000;

export interface FunctionTiming {
  readonly lambdaTimeoutSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  /** SQS messages per batch (each up to MAX_EVENTS_PER_MESSAGE events). */
  readonly batchSize: number;
  /** How long the event source may wait to fill a batch (its maxBatchingWindow). */
  readonly maxBatchingWindowSeconds: number;
  /** Concurrent Lambda invocations (the event source's maximumConcurrency), each handling one batch. */
  readonly maxConcurrency: number;
  /** Events of one batch handled at once (DESTFN_RECORD_CONCURRENCY). */
  readonly recordParallelism: number;
}

export function functionTiming(config: Pick<FunctionConfig, 'timeoutSeconds' | 'maxConcurrency'>): FunctionTiming {
  const invocations = Math.min(
    MAX_EVENT_SOURCE_CONCURRENCY,
    Math.max(MIN_EVENT_SOURCE_CONCURRENCY, Math.ceil(config.maxConcurrency / MAX_RECORD_PARALLELISM)),
  );
  const recordParallelism = Math.min(MAX_RECORD_PARALLELISM, Math.max(1, Math.floor(config.maxConcurrency / invocations)));
  const perEvent = Math.ceil(config.timeoutSeconds);
  const roundsThatFit = Math.floor((LAMBDA_MAX_TIMEOUT_SECONDS - MARGIN_SECONDS) / perEvent);
  const batchSize = Math.max(1, Math.min(BATCH_SIZE, Math.floor((recordParallelism * roundsThatFit) / MAX_EVENTS_PER_MESSAGE)));
  const rounds = Math.ceil((batchSize * MAX_EVENTS_PER_MESSAGE) / recordParallelism);
  const lambdaTimeoutSeconds = Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, perEvent * rounds + MARGIN_SECONDS);
  return {
    lambdaTimeoutSeconds,
    visibilityTimeoutSeconds: 6 * lambdaTimeoutSeconds + MAX_BATCHING_WINDOW_SECONDS,
    batchSize,
    maxBatchingWindowSeconds: MAX_BATCHING_WINDOW_SECONDS,
    maxConcurrency: invocations,
    recordParallelism,
  };
}

import {
  BATCH_SIZE, functionTiming, LAMBDA_MAX_TIMEOUT_SECONDS, MARGIN_SECONDS, MAX_BATCHING_WINDOW_SECONDS,
} from '../../lib/function-timing';
import { MAX_EVENTS_PER_MESSAGE } from '../../runtime/aws/sqs-message';

/** The most events a batch can hold: every message full. */
const eventsOf = (batchSize: number) => batchSize * MAX_EVENTS_PER_MESSAGE;

test('batches of 7 messages (≤ 112 events, about the 100 of one event per message before), 10 events at a time per invocation; Lambda timeout covers the rounds', () => {
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 200 })).toEqual({
    lambdaTimeoutSeconds: 65, // 12 rounds of 10 events × 5 s + 5 s
    visibilityTimeoutSeconds: 391,
    batchSize: 7,
    maxBatchingWindowSeconds: 1,
    maxConcurrency: 20,
    recordParallelism: 10,
  });
  expect(eventsOf(BATCH_SIZE)).toBe(112);
  // 20 in flight = 2 invocations × 10 events.
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 20 })).toMatchObject({ maxConcurrency: 2, recordParallelism: 10, lambdaTimeoutSeconds: 65 });
  expect(functionTiming({ timeoutSeconds: 2.5, maxConcurrency: 200 }).lambdaTimeoutSeconds).toBe(41);
});

test('the batch shrinks, down to one message, so that its slowest run fits in the Lambda maximum of 900 s', () => {
  // 10 in flight: 2 × 5; 5 s events: 23 rounds of 5 (112 events), 120 s.
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 10 })).toMatchObject({ batchSize: 7, recordParallelism: 5, lambdaTimeoutSeconds: 120 });
  // 30 s events, 1 at a time: one message of 16 (480 s) fits, two do not.
  expect(functionTiming({ timeoutSeconds: 30, maxConcurrency: 2 })).toMatchObject({ batchSize: 1, recordParallelism: 1, lambdaTimeoutSeconds: 485 });
  // 60 s events, 1 at a time: 14 rounds fit in 895 s, not one full message of 16: one message, 900 s.
  expect(functionTiming({ timeoutSeconds: 60, maxConcurrency: 2 })).toMatchObject({ batchSize: 1, recordParallelism: 1, lambdaTimeoutSeconds: LAMBDA_MAX_TIMEOUT_SECONDS });
  const longest = functionTiming({ timeoutSeconds: 900, maxConcurrency: 10 });
  expect(longest).toMatchObject({ batchSize: 1, lambdaTimeoutSeconds: LAMBDA_MAX_TIMEOUT_SECONDS });
  expect(longest.visibilityTimeoutSeconds).toBe(6 * 900 + MAX_BATCHING_WINDOW_SECONDS);
  for (const timeoutSeconds of [0.5, 1, 5, 30, 120, 600]) {
    for (const maxConcurrency of [1, 2, 10, 100, 1000]) {
      const t = functionTiming({ timeoutSeconds, maxConcurrency });
      const roundsOf = (messages: number) => Math.ceil(eventsOf(messages) / t.recordParallelism) * Math.ceil(timeoutSeconds);
      expect(t.batchSize).toBeGreaterThanOrEqual(1);
      expect(t.batchSize).toBeLessThanOrEqual(BATCH_SIZE);
      if (roundsOf(1) + MARGIN_SECONDS <= LAMBDA_MAX_TIMEOUT_SECONDS) {
        // A full batch fits, and one message more would not (or the batch is BATCH_SIZE).
        expect(roundsOf(t.batchSize)).toBeLessThanOrEqual(t.lambdaTimeoutSeconds);
        if (t.batchSize < BATCH_SIZE) expect(roundsOf(t.batchSize + 1) + MARGIN_SECONDS).toBeGreaterThan(LAMBDA_MAX_TIMEOUT_SECONDS);
      } else {
        expect(t).toMatchObject({ batchSize: 1, lambdaTimeoutSeconds: LAMBDA_MAX_TIMEOUT_SECONDS });
      }
    }
  }
});

test('maxConcurrency bounds events in flight: invocations × events per invocation ≤ maxConcurrency (floor 2)', () => {
  for (const maxConcurrency of [1, 2, 3, 5, 7, 10, 11, 19, 20, 25, 99, 100, 150, 199, 200, 201, 1000]) {
    const { maxConcurrency: invocations, recordParallelism } = functionTiming({ timeoutSeconds: 5, maxConcurrency });
    expect(invocations).toBeGreaterThanOrEqual(2); // the SQS event source's minimum
    expect(invocations).toBeLessThanOrEqual(1000);
    expect(recordParallelism).toBeGreaterThanOrEqual(1);
    expect(recordParallelism).toBeLessThanOrEqual(10);
    expect(invocations * recordParallelism).toBeLessThanOrEqual(Math.max(2, maxConcurrency));
  }
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 5 })).toMatchObject({ maxConcurrency: 2, recordParallelism: 2 });
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 1000 })).toMatchObject({ maxConcurrency: 100, recordParallelism: 10 });
});

test('at a 100 ms destination, maxConcurrency 200 carries ≥ 1,000 events/s by the template arithmetic, latency and CPU', () => {
  const t = functionTiming({ timeoutSeconds: 5, maxConcurrency: 200 });
  const latency = 0.1;
  const overhead = 0.05; // dedupe read, record writes, history page per batch
  for (const perMessage of [15, 10]) { // analytics-node, analytics.js batches: one message each
    const events = t.batchSize * perMessage;
    const byLatency = events / (Math.ceil(events / t.recordParallelism) * latency + overhead);
    const byCpu = (256 / 1769) / 0.0012; // vCPU of a 256 MB Lambda / CPU seconds per event (bench:aws-path, 1.0–1.6 ms)
    expect(t.maxConcurrency * Math.min(byLatency, byCpu)).toBeGreaterThanOrEqual(1000);
  }
});

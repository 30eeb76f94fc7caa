import {
  BATCH_SIZE, functionTiming, LAMBDA_MAX_TIMEOUT_SECONDS, MAX_BATCHING_WINDOW_SECONDS,
} from '../../lib/function-timing';

test('a batch of 100 handled whole at once when maxConcurrency allows: one round, Lambda timeout = one record timeout + margin', () => {
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 200 })).toEqual({
    lambdaTimeoutSeconds: 10,
    visibilityTimeoutSeconds: 61,
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    maxConcurrency: 2,
    recordParallelism: 100,
  });
  // 100 in flight = 2 invocations × 50 records: a batch of 100 takes 2 rounds.
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 100 })).toMatchObject({ recordParallelism: 50, lambdaTimeoutSeconds: 15 });
  expect(functionTiming({ timeoutSeconds: 2.5, maxConcurrency: 200 }).lambdaTimeoutSeconds).toBe(8);
});

test('the batch shrinks so that its slowest run fits in the Lambda maximum of 900 s', () => {
  // 10 in flight: 2 × 5; 5 s records: 179 rounds would fit, so the batch stays 100 (20 rounds, 105 s).
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 10 })).toMatchObject({ batchSize: 100, recordParallelism: 5, lambdaTimeoutSeconds: 105 });
  // 60 s records, 1 at a time: 14 rounds fit in 895 s.
  expect(functionTiming({ timeoutSeconds: 60, maxConcurrency: 2 })).toMatchObject({ batchSize: 14, recordParallelism: 1, lambdaTimeoutSeconds: 845 });
  const longest = functionTiming({ timeoutSeconds: 900, maxConcurrency: 10 });
  expect(longest).toMatchObject({ batchSize: 5, lambdaTimeoutSeconds: LAMBDA_MAX_TIMEOUT_SECONDS });
  expect(longest.visibilityTimeoutSeconds).toBe(6 * 900 + MAX_BATCHING_WINDOW_SECONDS);
  for (const timeoutSeconds of [0.5, 1, 5, 30, 120, 600]) {
    for (const maxConcurrency of [1, 2, 10, 100, 1000]) {
      const t = functionTiming({ timeoutSeconds, maxConcurrency });
      expect(Math.ceil(t.batchSize / t.recordParallelism) * Math.ceil(timeoutSeconds)).toBeLessThanOrEqual(t.lambdaTimeoutSeconds);
      expect(t.batchSize).toBeLessThanOrEqual(BATCH_SIZE);
    }
  }
});

test('maxConcurrency bounds events in flight: invocations × records per invocation ≤ maxConcurrency (floor 2)', () => {
  for (const maxConcurrency of [1, 2, 3, 5, 7, 10, 11, 19, 20, 25, 99, 100, 150, 199, 200, 201, 1000]) {
    const { maxConcurrency: invocations, recordParallelism } = functionTiming({ timeoutSeconds: 5, maxConcurrency });
    expect(invocations).toBeGreaterThanOrEqual(2); // the SQS event source's minimum
    expect(invocations).toBeLessThanOrEqual(1000);
    expect(recordParallelism).toBeGreaterThanOrEqual(1);
    expect(recordParallelism).toBeLessThanOrEqual(BATCH_SIZE);
    expect(invocations * recordParallelism).toBeLessThanOrEqual(Math.max(2, maxConcurrency));
  }
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 5 })).toMatchObject({ maxConcurrency: 2, recordParallelism: 2 });
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 1000 })).toMatchObject({ maxConcurrency: 10, recordParallelism: 100 });
});

test('at a 100 ms destination, maxConcurrency 200 carries ≥ 1,000 events/s by the template arithmetic', () => {
  const t = functionTiming({ timeoutSeconds: 5, maxConcurrency: 200 });
  const latency = 0.1;
  const overhead = 0.05; // dedupe read, record writes, history page per batch (measured ~20–40 ms in bench:aws-path)
  const perInvocation = t.batchSize / (Math.ceil(t.batchSize / t.recordParallelism) * latency + overhead);
  expect(t.maxConcurrency * perInvocation).toBeGreaterThanOrEqual(1000);
});

import {
  BATCH_SIZE, functionTiming, LAMBDA_MAX_TIMEOUT_SECONDS, MAX_BATCHING_WINDOW_SECONDS,
} from '../../lib/function-timing';

test('batches of 100, 10 records at a time per invocation; more in flight = more invocations; Lambda timeout covers the rounds', () => {
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 200 })).toEqual({
    lambdaTimeoutSeconds: 55,
    visibilityTimeoutSeconds: 331,
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    maxConcurrency: 20,
    recordParallelism: 10,
  });
  // 20 in flight = 2 invocations × 10 records.
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 20 })).toMatchObject({ maxConcurrency: 2, recordParallelism: 10, lambdaTimeoutSeconds: 55 });
  expect(functionTiming({ timeoutSeconds: 2.5, maxConcurrency: 200 }).lambdaTimeoutSeconds).toBe(35);
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
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 1000 })).toMatchObject({ maxConcurrency: 100, recordParallelism: 10 });
});

test('at a 100 ms destination, maxConcurrency 200 carries ≥ 1,000 events/s by the template arithmetic, latency and CPU', () => {
  const t = functionTiming({ timeoutSeconds: 5, maxConcurrency: 200 });
  const latency = 0.1;
  const overhead = 0.05; // dedupe read, record writes, history page per batch
  const byLatency = t.batchSize / (Math.ceil(t.batchSize / t.recordParallelism) * latency + overhead);
  const byCpu = (256 / 1769) / 0.0012; // vCPU of a 256 MB Lambda / CPU seconds per event (bench:aws-path, 1.0–1.6 ms)
  expect(t.maxConcurrency * Math.min(byLatency, byCpu)).toBeGreaterThanOrEqual(1000);
});

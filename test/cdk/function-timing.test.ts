import { functionTiming } from '../../lib/function-timing';

test('Lambda timeout covers a batch handled in rounds of recordParallelism plus a margin; visibility is 6×', () => {
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 20 })).toEqual({
    lambdaTimeoutSeconds: 10,
    visibilityTimeoutSeconds: 60,
    batchSize: 10,
    maxConcurrency: 2,
    recordParallelism: 10,
  });
  // 10 in flight = 2 invocations × 5 records: a batch of 10 takes 2 rounds.
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 10 }).lambdaTimeoutSeconds).toBe(15);
  expect(functionTiming({ timeoutSeconds: 2.5, maxConcurrency: 20 }).lambdaTimeoutSeconds).toBe(8);
});

test('the Lambda timeout never exceeds 900 s', () => {
  const timing = functionTiming({ timeoutSeconds: 900, maxConcurrency: 10 });
  expect(timing.lambdaTimeoutSeconds).toBe(900);
  expect(timing.visibilityTimeoutSeconds).toBe(5400);
});

test('maxConcurrency bounds events in flight: invocations × records per invocation ≤ maxConcurrency (floor 2)', () => {
  for (const maxConcurrency of [1, 2, 3, 5, 7, 10, 11, 19, 20, 25, 99, 100, 1000]) {
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

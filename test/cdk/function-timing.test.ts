import { functionTiming } from '../../lib/function-timing';

test('Lambda timeout covers a batch handled in parallel plus a margin; visibility is 6×', () => {
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 10 })).toEqual({
    lambdaTimeoutSeconds: 10,
    visibilityTimeoutSeconds: 60,
    batchSize: 10,
    maxConcurrency: 10,
  });
  expect(functionTiming({ timeoutSeconds: 2.5, maxConcurrency: 10 }).lambdaTimeoutSeconds).toBe(8);
});

test('the Lambda timeout never exceeds 900 s', () => {
  const timing = functionTiming({ timeoutSeconds: 900, maxConcurrency: 10 });
  expect(timing.lambdaTimeoutSeconds).toBe(900);
  expect(timing.visibilityTimeoutSeconds).toBe(5400);
});

test('maxConcurrency is clamped to what the SQS event source accepts (2..1000)', () => {
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 1 }).maxConcurrency).toBe(2);
  expect(functionTiming({ timeoutSeconds: 5, maxConcurrency: 1000 }).maxConcurrency).toBe(1000);
});

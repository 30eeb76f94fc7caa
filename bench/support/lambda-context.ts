/** The Lambda context the benches hand the handlers. */
import type { Context } from 'aws-lambda';

export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false, functionName, functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`, memoryLimitInMB: '1024',
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`, logGroupName: `/aws/lambda/${functionName}`, logStreamName: 'bench',
    getRemainingTimeInMillis: () => timeoutMs, done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}

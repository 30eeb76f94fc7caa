/** Lambda invocation inputs: a Context and API Gateway HTTP API (v2) events. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface HttpCall {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** A Buffer is sent base64-encoded, as API Gateway does with binary bodies. */
  body?: string | Buffer;
  base64?: boolean;
}

export function apiGatewayEvent(call: HttpCall): APIGatewayProxyEventV2 {
  const method = call.method ?? 'POST';
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: call.path,
    rawQueryString: '',
    headers: call.headers ?? {},
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'test',
      http: { method, path: call.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: `r-${now.getTime()}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(call.body === undefined ? {} : { body: call.base64 || Buffer.isBuffer(call.body) ? Buffer.from(call.body).toString('base64') : call.body }),
    isBase64Encoded: call.base64 ?? Buffer.isBuffer(call.body),
  };
}

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

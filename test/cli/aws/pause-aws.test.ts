/**
 * `destfn pause|resume|status <fn> --aws`: the function's SQS event source mapping, found by its queue, disabled and
 * enabled. CloudFormation (the function's queue) and the Lambda control plane have no local emulator here: fake
 * endpoints on 127.0.0.1 answer them on the wire and record what was asked.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as pauseCli from '../../../runtime/cli/pause';
import * as resumeCli from '../../../runtime/cli/resume';
import * as statusCli from '../../../runtime/cli/status';
import { queueArnOf } from '../../../runtime/cli/aws/event-source-mappings';
import { INSTANCE_FILTER_PATTERN } from '../../../runtime/cli/aws/instance-states';
import { metricLine } from '../../../runtime/aws/limiter';
import { DeliveryControl } from '../../../runtime/delivery-control';
import { useFakeAwsEnv } from '../../aws/support/aws-env';
import { startFakeAws, type FakeAws } from '../../aws/support/fake-aws';
import { runCli } from '../../local/helpers/cli';
import { answerStack, ordersFunction, type FakeStack } from './fake-stack';

const UUID = '6f0e2c1a-0000-4000-8000-000000000001';
let cfn: FakeAws;
let lambda: http.Server;
let lambdaUrl: string;
const lambdaCalls: { method: string; path: string; body: string }[] = [];
let enabled = true;
let restoreEnv: () => void = () => undefined;
/** What FilterLogEvents answers for the function's log group (the limiter's lines, as its Lambda instances write them). */
let logAnswer: { status?: number; body: string } = { body: JSON.stringify({ events: [] }) };
const logQueries: Array<{ logGroupName: string; filterPattern: string }> = [];

/** The limiter's EMF line (runtime/aws/limiter.ts) for a delivery control at limit `limit`, with a latency or paused. */
function limiterLine(limit: number, latencyMs: number | null, pausedReason?: string): string {
  const control = new DeliveryControl({ maxConcurrency: 10, concurrency: { initial: limit } }, 0);
  if (latencyMs !== null) control.finished({ status: 'delivered', durationMs: latencyMs, error: null }, 0, 0);
  if (pausedReason) control.pause(pausedReason, 0);
  return metricLine(control.status(0));
}

function mapping() {
  return {
    UUID, BatchSize: 100, State: enabled ? 'Enabled' : 'Disabled', ScalingConfig: { MaximumConcurrency: 2 },
    EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:Destfn-fn-orders', FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Destfn-orders',
  };
}

beforeAll(async () => {
  cfn = await startFakeAws((call) => {
    if (call.operation === 'GetQueueAttributes') {
      const dlq = (JSON.parse(call.body) as { QueueUrl: string }).QueueUrl.endsWith('/Destfn-dlq-orders');
      return { body: JSON.stringify({ Attributes: dlq ? { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '0' } : { ApproximateNumberOfMessages: '31', ApproximateNumberOfMessagesNotVisible: '4' } }) };
    }
    if (call.operation !== 'FilterLogEvents') return answerStack(call, stack()) ?? { status: 400, body: '{}' };
    logQueries.push(JSON.parse(call.body));
    return logAnswer;
  });
  lambda = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      lambdaCalls.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url?.startsWith('/2015-03-31/event-source-mappings')) {
        const arn = new URL(req.url, 'http://x').searchParams.get('EventSourceArn');
        return res.end(JSON.stringify({ EventSourceMappings: arn === mapping().EventSourceArn ? [mapping()] : [] }));
      }
      if (req.method === 'PUT' && req.url === `/2015-03-31/event-source-mappings/${UUID}`) {
        enabled = (JSON.parse(body) as { Enabled: boolean }).Enabled;
        return res.end(JSON.stringify({ ...mapping(), State: enabled ? 'Enabling' : 'Disabling' }));
      }
      res.statusCode = 404;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => lambda.listen(0, '127.0.0.1', r));
  lambdaUrl = `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await cfn.close();
  await new Promise((r) => lambda.close(r));
});
beforeEach(() => {
  restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.endpoint, AWS_ENDPOINT_URL_LAMBDA: lambdaUrl, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: cfn.endpoint, AWS_ENDPOINT_URL_SQS: cfn.endpoint });
  lambdaCalls.length = 0;
  logQueries.length = 0;
  logAnswer = { body: JSON.stringify({ events: [] }) };
});
afterEach(() => restoreEnv());

function stack(): FakeStack {
  return { name: 'Destfn', outputs: {}, functions: { orders: ordersFunction(cfn.endpoint, 'us-east-1') } };
}

test('pause --aws disables the event source mapping of the function\'s queue; status shows it; resume enables it', async () => {
  const paused = await runCli(pauseCli.main, ['orders', '--aws']);
  expect(paused).toMatchObject({ code: 0, stdout: expect.stringContaining('pause --aws: the event source of "orders" is disabling') });
  expect(lambdaCalls.map((c) => c.method)).toEqual(['GET', 'PUT']);
  expect(decodeURIComponent(lambdaCalls[0].path)).toContain('EventSourceArn=arn:aws:sqs:us-east-1:000000000000:Destfn-fn-orders');
  expect(JSON.parse(lambdaCalls[1].body)).toEqual({ Enabled: false });

  const status = await runCli(statusCli.main, ['orders', '--aws']);
  expect(status.stdout).toMatch(/^orders: PAUSED \(event source disabled by `destfn pause --aws`\); batch 100, at most 2 concurrent invocations/);
  expect(status.stdout).toContain('\n  queue 31 waiting, 4 in flight (approximate); DLQ 2\n');
  expect(status.stdout).toContain('no Lambda instance reported in the last 5 min');
  expect(JSON.parse((await runCli(statusCli.main, ['orders', '--aws', '--json'])).stdout)).toEqual({
    functions: [{
      fn: 'orders', depth: { waiting: 31, inFlight: 4, dlq: 2 },
      eventSources: [{ state: 'Disabled', paused: true, batchSize: 100, maximumConcurrency: 2 }], instances: [],
    }],
  });

  const resumed = await runCli(resumeCli.main, ['orders', '--aws']);
  expect(resumed).toMatchObject({ code: 0, stdout: expect.stringContaining('is enabling') });
  expect(enabled).toBe(true);
  expect((await runCli(statusCli.main, ['orders', '--aws'])).stdout).toMatch(/^orders: event source enabled;/);
});

test('status --aws: each Lambda instance\'s circuit breaker and limit, from the newest limiter line of its log stream', async () => {
  const now = Date.now();
  logAnswer = { body: JSON.stringify({ events: [
    { logStreamName: 'instance-b', timestamp: now - 30_000, message: limiterLine(10, 40) },
    { logStreamName: 'instance-a', timestamp: now - 20_000, message: limiterLine(3, null, '20 retryable failures in a row (last: RetryError)') },
    // Pages interleave streams: an older line of an instance may come after a newer one.
    { logStreamName: 'instance-a', timestamp: now - 50_000, message: limiterLine(10, 40) },
    { logStreamName: 'instance-b', timestamp: now - 10_000, message: `2026-11-30T10:00:00.000Z\tabc\tINFO\t${limiterLine(8, 102.46)}` },
    { logStreamName: 'instance-b', timestamp: now - 5_000, message: '{"message":"delivery","messageId":"m-1"}' },
  ] }) };
  const status = await runCli(statusCli.main, ['orders', '--aws']);
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/\n {2}2 instance\(s\) reported in the last 5 min, concurrency limit 8, 3, latency 102.5 ms, - \(newest first, as of \d+ s ago\)\n/);
  expect(status.stdout).toMatch(/\n {2}circuit breaker: PAUSED in 1 of 2 instance\(s\): 20 retryable failures in a row \(last: RetryError\) \(as of \d+ s ago\)\n/);
  expect(logQueries[0]).toMatchObject({ logGroupName: '/destfn/Destfn/functions/orders', filterPattern: INSTANCE_FILTER_PATTERN });
  const json = JSON.parse((await runCli(statusCli.main, ['orders', '--aws', '--json'])).stdout);
  expect(json.functions[0].instances).toEqual([
    { stream: 'instance-b', at: new Date(now - 10_000).toISOString(), paused: false, limit: 8, latencyMs: 102.5, reason: null },
    { stream: 'instance-a', at: new Date(now - 20_000).toISOString(), paused: true, limit: 3, latencyMs: null, reason: '20 retryable failures in a row (last: RetryError)' },
  ]);
});

test('status --aws still shows the event source when the instances\' lines cannot be read; a log group not yet created means none ran', async () => {
  logAnswer = { status: 400, body: JSON.stringify({ __type: 'AccessDeniedException', message: 'not allowed: logs:FilterLogEvents' }) };
  const denied = await runCli(statusCli.main, ['orders', '--aws']);
  expect(denied.code).toBe(0);
  expect(denied.stdout).toMatch(/^orders: event source enabled;.*\n {2}queue .*\n {2}instances: cannot read their log lines \(AccessDeniedException: not allowed: logs:FilterLogEvents\)\n/);
  logAnswer = { status: 400, body: JSON.stringify({ __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' }) };
  expect((await runCli(statusCli.main, ['orders', '--aws'])).stdout).toContain('no Lambda instance reported in the last 5 min');
});

test('a function that is not deployed is an error naming the deployed ones; status --aws needs a function', async () => {
  const missing = await runCli(pauseCli.main, ['nope', '--aws']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/^destfn pause --aws: function "nope" is not deployed .*Orders/);
  expect(lambdaCalls).toEqual([]);
  expect((await runCli(statusCli.main, ['--aws'])).stderr).toContain('no deployed function in ./functions: run it in the project folder, or name the function');
});

test('the queue ARN comes from its URL', () => {
  expect(queueArnOf('https://sqs.eu-west-1.amazonaws.com/123456789012/Destfn-fn-a', 'eu-west-1')).toBe('arn:aws:sqs:eu-west-1:123456789012:Destfn-fn-a');
});

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
import { queueArnOf } from '../../../runtime/cli/aws/event-source-switch';
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

function mapping() {
  return {
    UUID, BatchSize: 100, State: enabled ? 'Enabled' : 'Disabled', ScalingConfig: { MaximumConcurrency: 2 },
    EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:Destfn-fn-orders', FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Destfn-orders',
  };
}

beforeAll(async () => {
  cfn = await startFakeAws((call) => answerStack(call, stack()) ?? { status: 400, body: '{}' });
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
  restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.endpoint, AWS_ENDPOINT_URL_LAMBDA: lambdaUrl });
  lambdaCalls.length = 0;
});
afterEach(() => restoreEnv());

function stack(): FakeStack {
  return { name: 'Destfn', outputs: {}, functions: { orders: ordersFunction('https://sqs.us-east-1.amazonaws.com', 'us-east-1') } };
}

test('pause --aws disables the event source mapping of the function\'s queue; status shows it; resume enables it', async () => {
  const paused = await runCli(pauseCli.main, ['orders', '--aws']);
  expect(paused).toMatchObject({ code: 0, stdout: expect.stringContaining('pause --aws: the event source of "orders" is disabling') });
  expect(lambdaCalls.map((c) => c.method)).toEqual(['GET', 'PUT']);
  expect(decodeURIComponent(lambdaCalls[0].path)).toContain('EventSourceArn=arn:aws:sqs:us-east-1:000000000000:Destfn-fn-orders');
  expect(JSON.parse(lambdaCalls[1].body)).toEqual({ Enabled: false });

  const status = await runCli(statusCli.main, ['orders', '--aws']);
  expect(status.stdout).toMatch(/^orders: PAUSED \(event source disabled by `destfn pause --aws`\); batch 100, at most 2 concurrent invocations/);
  expect(JSON.parse((await runCli(statusCli.main, ['orders', '--aws', '--json'])).stdout)).toEqual({
    functions: [{ fn: 'orders', eventSources: [{ state: 'Disabled', paused: true, batchSize: 100, maximumConcurrency: 2 }] }],
  });

  const resumed = await runCli(resumeCli.main, ['orders', '--aws']);
  expect(resumed).toMatchObject({ code: 0, stdout: expect.stringContaining('is enabling') });
  expect(enabled).toBe(true);
  expect((await runCli(statusCli.main, ['orders', '--aws'])).stdout).toMatch(/^orders: event source enabled;/);
});

test('a function that is not deployed is an error naming the deployed ones; status --aws needs a function', async () => {
  const missing = await runCli(pauseCli.main, ['nope', '--aws']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/^destfn pause --aws: function "nope" is not deployed .*Orders/);
  expect(lambdaCalls).toEqual([]);
  expect((await runCli(statusCli.main, ['--aws'])).stderr).toContain('name a function');
});

test('the queue ARN comes from its URL', () => {
  expect(queueArnOf('https://sqs.eu-west-1.amazonaws.com/123456789012/Destfn-fn-a', 'eu-west-1')).toBe('arn:aws:sqs:eu-west-1:123456789012:Destfn-fn-a');
});

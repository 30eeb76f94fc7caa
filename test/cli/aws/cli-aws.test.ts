/**
 * `destfn deliveries|logs|replay|secrets … --aws` end to end through the CLI commands: names from the stack and
 * the function's nested stack (fake CloudFormation endpoint), records from dynalite, secrets through the client mock.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createDeliveryStore } from '../../../runtime/aws/delivery-store';
import * as deliveries from '../../../runtime/cli/deliveries';
import * as logs from '../../../runtime/cli/logs';
import * as replay from '../../../runtime/cli/replay';
import * as secretsCli from '../../../runtime/cli/secrets';
import { useFakeAwsEnv } from '../../aws/support/aws-env';
import { createDeliveryTable, startDynalite, type Dynalite } from '../../aws/support/dynalite';
import { startFakeAws, type FakeAws } from '../../aws/support/fake-aws';
import { tempRoot } from '../../aws/support/function-dir';
import { cli } from '../support';
import { answerStack, ordersFunction, type FakeStack } from './fake-stack';

const secrets = mockClient(SecretsManagerClient);
let ddb: Dynalite;
let aws: FakeAws; // CloudFormation, CloudWatch Logs and SQS on one fake endpoint (told apart by operation)
let functionsDir: string;
let restoreEnv: () => void;
let stack: FakeStack;

beforeAll(async () => {
  ddb = await startDynalite();
  await createDeliveryTable(ddb.client, 'deliveries');
  aws = await startFakeAws((call) => answerStack(call, stack) ?? other(call));
  const other = (call: { operation: string; body: string }) => {
    switch (call.operation) {
      case 'FilterLogEvents': return { body: JSON.stringify({ events: JSON.parse(call.body).logGroupName !== '/destfn/Destfn/functions/orders' ? [] : [{ eventId: 'e1', timestamp: Date.now(), message: JSON.stringify({
        message: 'delivery', timestamp: '2025-03-01T10:00:00.000Z', function: 'orders', messageId: 'm-1', logs: ['hello from orders'],
      }) }] }) };
      case 'GetQueueAttributes': return { body: JSON.stringify({ Attributes: { ApproximateNumberOfMessages: '2' } }), contentType: 'application/x-amz-json-1.0' };
      case 'StartMessageMoveTask': return { body: JSON.stringify({ TaskHandle: 'th-1' }), contentType: 'application/x-amz-json-1.0' };
      default: return { status: 400, body: '{}' };
    }
  };
  stack = { name: 'Destfn', outputs: { TableName: 'deliveries' }, functions: { orders: ordersFunction(aws.endpoint, 'us-east-1') } };
  restoreEnv = useFakeAwsEnv({
    AWS_ENDPOINT_URL_CLOUDFORMATION: aws.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: aws.endpoint,
    AWS_ENDPOINT_URL_SQS: aws.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
  });
  await createDeliveryStore({ tableName: 'deliveries' }).put({
    function: 'orders', messageId: 'm-1', status: 'failed', attempts: 10, lastError: { name: 'RetryError', message: 'sink answered 503' },
    durationMs: 31, eventType: 'track', eventName: 'Order Completed', result: null,
    firstSeenAt: '2025-03-01T06:00:00.000Z', updatedAt: '2025-03-01T10:00:00.000Z',
  });
  await createDeliveryStore({ tableName: 'deliveries' }).put({
    function: 'orders', messageId: 'm-2', status: 'retrying', attempts: 2, lastError: { name: 'RetryError', message: 'sink answered 503' },
    durationMs: 28, eventType: 'track', eventName: 'Order Completed', result: null,
    firstSeenAt: '2025-03-01T09:00:00.000Z', updatedAt: '2025-03-01T09:30:00.000Z', nextAttemptAt: '2025-03-01T09:45:07.000Z',
  });
  functionsDir = tempRoot('destfn-cli-aws-');
  mkdirSync(join(functionsDir, 'orders'));
  writeFileSync(join(functionsDir, 'orders', 'index.js'), 'async function onTrack(event, settings) { return 1 }\n');
});

afterAll(async () => {
  restoreEnv?.();
  secrets.restore();
  await Promise.all([ddb?.stop(), aws?.close()]);
  rmSync(functionsDir, { recursive: true, force: true });
});

describe('CLI --aws', () => {
  it('deliveries: prints the DynamoDB records like the local command', async () => {
    const { code, out } = await cli(deliveries.main, ['orders', '--aws', '--status', 'failed']);
    expect(code).toBe(0);
    expect(out).toContain('m-1');
    expect(out).toMatch(/track "Order Completed"\s+failed\s+10\s+31ms\s+RetryError: sink answered 503/);
    expect(out).not.toContain('next attempt');
    const waiting = await cli(deliveries.main, ['orders', '--aws', '--status', 'retrying']);
    expect(waiting.out).toMatch(/next attempt \(UTC\)/);
    expect(waiting.out).toMatch(/m-2\s+track "Order Completed"\s+retrying\s+2\s+2025-03-01 09:45:07\s+28ms\s+RetryError: sink answered 503/);
    const json = await cli(deliveries.main, ['orders', '--aws', '--json']);
    expect(JSON.parse(json.out)).toMatchObject([{ messageId: 'm-1', status: 'failed' }, { messageId: 'm-2', nextAttemptAt: '2025-03-01T09:45:07.000Z' }]);
  });

  it('logs: prints captured lines from CloudWatch Logs', async () => {
    const { code, out } = await cli(logs.main, ['orders', '--aws']);
    expect(code).toBe(0);
    expect(out).toBe('2025-03-01 10:00:00.000  m-1  hello from orders\n');
  });

  it('logs: says so when nothing was captured, like the local command', async () => {
    const saved = stack;
    stack = { ...saved, functions: { orders: { ...saved.functions.orders, logGroup: '/destfn/Destfn/functions/quiet' } } };
    const { code, out } = await cli(logs.main, ['orders', '--aws']);
    stack = saved;
    expect(code).toBe(0);
    expect(out).toBe('no log output for "orders"\n');
  });

  it('replay: starts the DLQ move task', async () => {
    const { code, out } = await cli(replay.main, ['orders', '--aws']);
    expect(code).toBe(0);
    expect(out).toContain('moving about 2 message(s) from the DLQ of "orders"');
    expect(aws.calls.filter((c) => c.operation === 'StartMessageMoveTask').map((c) => JSON.parse(c.body))).toEqual([{ SourceArn: stack.functions.orders.dlqArn }]);
  });

  it('secrets set: writes the secret, never the local file, and never prints the value', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{}' });
    secrets.on(PutSecretValueCommand).resolves({});
    const { code, out } = await cli(secretsCli.main, ['set', 'orders', 'apiKey=sk_live_abcdef123', '--aws', '--dir', functionsDir]);
    expect(code).toBe(0);
    expect(out).toContain('set apiKey in the Secrets Manager secret of "orders"');
    expect(out).not.toContain('sk_live_abcdef123');
    expect(secrets.commandCalls(PutSecretValueCommand)[0].args[0].input.SecretString).toBe('{"apiKey":"sk_live_abcdef123"}');
    expect(existsSync(join(functionsDir, 'orders', 'settings.local.json'))).toBe(false);

    const refused = await cli(secretsCli.main, ['set', 'orders', 'nope=1', '--aws', '--dir', functionsDir]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('function "orders" has no setting "nope"');
  });

  it('reports AWS failures as a one-line error with exit code 1', async () => {
    const saved = stack;
    stack = { ...saved, functions: {} };
    const { code, err } = await cli(replay.main, ['orders', '--aws']);
    stack = saved;
    expect(code).toBe(1);
    expect(err).toBe('destfn replay --aws: function "orders" is not deployed (no FunctionOrders in stack Destfn); the stack has no function. Deploy it with `npx cdk deploy`\n');
  });
});

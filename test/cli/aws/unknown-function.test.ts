/** `destfn deliveries|logs|replay <unknown> --aws`: an error that lists the deployed functions, and no AWS call beyond the stack. */
import type { FunctionOutputs } from '../../../runtime/aws/contract';
import * as deliveries from '../../../runtime/cli/deliveries';
import * as logs from '../../../runtime/cli/logs';
import * as replay from '../../../runtime/cli/replay';
import { useFakeAwsEnv } from '../../aws/support/aws-env';
import { startFakeAws, type FakeAws } from '../../aws/support/fake-aws';
import { cli } from '../support';
import { answerStack, type FakeStack } from './fake-stack';

/** stderr's last line: the SDK may print a Node version warning first (once per process). */
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

let aws: FakeAws;
let restoreEnv: () => void;
let stack: FakeStack;

const functionOutputs = (id: string, endpoint: string): FunctionOutputs => ({
  queueUrl: `${endpoint}/000000000000/${id}`,
  dlqUrl: `${endpoint}/000000000000/${id}-dlq`,
  dlqArn: `arn:aws:sqs:us-east-1:000000000000:${id}-dlq`,
  secretArn: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${id}`,
  logGroup: `/destfn/Destfn/functions/${id}`,
});

beforeAll(async () => {
  // Only CloudFormation is answered: any other call (DynamoDB, Logs, SQS) would fail with a different error.
  aws = await startFakeAws((call) => answerStack(call, stack)
    ?? { status: 400, body: '{"__type":"UnexpectedCall","message":"unexpected call"}', contentType: 'application/x-amz-json-1.0' });
  stack = {
    name: 'Destfn',
    outputs: { ApiUrl: 'https://example.invalid/', TableName: 'deliveries', WebShopSourceSecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:web' },
    functions: { orders: functionOutputs('orders', aws.endpoint), 'teams-notify': functionOutputs('teams-notify', aws.endpoint) },
  };
  restoreEnv = useFakeAwsEnv({
    AWS_ENDPOINT_URL_CLOUDFORMATION: aws.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: aws.endpoint,
    AWS_ENDPOINT_URL_SQS: aws.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: aws.endpoint,
  });
});

afterAll(async () => {
  restoreEnv?.();
  await aws?.close();
});

describe.each([
  ['deliveries', deliveries.main],
  ['logs', logs.main],
  ['replay', replay.main],
])('destfn %s nope --aws', (command, main) => {
  it('fails with the list of deployed functions and calls nothing but CloudFormation', async () => {
    const before = aws.calls.length;
    const { code, out, err } = await cli(main, ['nope', '--aws']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(lastLine(err)).toBe(`destfn ${command} --aws: function "nope" is not deployed (no FunctionNope in stack Destfn); `
      + 'deployed functions (as the stack names them): Orders, TeamsNotify. Deploy it with `npx cdk deploy`');
    expect(new Set(aws.calls.slice(before).map((c) => c.operation)))
      .toEqual(new Set([...command === 'deliveries' ? ['DescribeStacks'] : [], 'DescribeStackResource', 'ListStackResources']));
  });
});

it('says when no function is deployed at all', async () => {
  const saved = stack;
  stack = { ...saved, functions: {} };
  const { code, err } = await cli(logs.main, ['nope', '--aws']);
  stack = saved;
  expect(code).toBe(1);
  expect(lastLine(err)).toBe('destfn logs --aws: function "nope" is not deployed (no FunctionNope in stack Destfn); the stack has no function. Deploy it with `npx cdk deploy`');
});

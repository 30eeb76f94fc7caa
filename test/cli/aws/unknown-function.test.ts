/** `destfn deliveries|logs|replay <unknown> --aws`: an error that lists the deployed functions, and no AWS call beyond the stack. */
import * as deliveries from '../../../runtime/cli/deliveries';
import * as logs from '../../../runtime/cli/logs';
import * as replay from '../../../runtime/cli/replay';
import { useFakeAwsEnv } from '../../aws/support/aws-env';
import { describeStacksXml, startFakeAws, type FakeAws } from '../../aws/support/fake-aws';
import { cli } from '../support';

/** stderr's last line: the SDK may print a Node version warning first (once per process). */
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

let aws: FakeAws;
let restoreEnv: () => void;
let outputs: Record<string, string>;

const functionOutputs = (id: string, endpoint: string) => ({
  [`${id}QueueUrl`]: `${endpoint}/000000000000/${id}`,
  [`${id}DlqUrl`]: `${endpoint}/000000000000/${id}-dlq`,
  [`${id}DlqArn`]: `arn:aws:sqs:us-east-1:000000000000:${id}-dlq`,
  [`${id}SecretArn`]: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${id}`,
  [`${id}LogGroup`]: `/aws/lambda/${id}`,
});

beforeAll(async () => {
  // Only DescribeStacks is answered: any other call (DynamoDB, Logs, SQS) would fail with a different error.
  aws = await startFakeAws((call) => call.operation === 'DescribeStacks'
    ? { body: describeStacksXml('Destfn', outputs), contentType: 'text/xml' }
    : { status: 400, body: '{"__type":"UnexpectedCall","message":"unexpected call"}', contentType: 'application/x-amz-json-1.0' });
  outputs = {
    ApiUrl: 'https://example.invalid/', TableName: 'deliveries', WebShopSourceSecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:web',
    ...functionOutputs('Orders', aws.endpoint), ...functionOutputs('TeamsNotify', aws.endpoint),
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
  it('fails with the list of deployed functions and calls nothing but DescribeStacks', async () => {
    const before = aws.calls.length;
    const { code, out, err } = await cli(main, ['nope', '--aws']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(lastLine(err)).toBe(`destfn ${command} --aws: function "nope" is not deployed (stack output NopeQueueUrl missing); `
      + 'deployed functions (as their stack outputs name them): Orders, TeamsNotify. Deploy it with `npx cdk deploy`');
    expect(aws.calls.slice(before).map((c) => c.operation)).toEqual(['DescribeStacks']);
  });
});

it('says when no function is deployed at all', async () => {
  const saved = outputs;
  outputs = { TableName: 'deliveries' };
  const { code, err } = await cli(logs.main, ['nope', '--aws']);
  outputs = saved;
  expect(code).toBe(1);
  expect(lastLine(err)).toBe('destfn logs --aws: function "nope" is not deployed (stack output NopeQueueUrl missing); the stack has no function. Deploy it with `npx cdk deploy`');
});

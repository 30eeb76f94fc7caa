/**
 * `destfn … --aws` finds region and credentials like the AWS CLI: --region, AWS_REGION, AWS_DEFAULT_REGION,
 * then the profile's region; the keys of --profile, AWS_PROFILE or the default profile from the shared files.
 * Checked on the wire: each call's SigV4 credential scope names the access key id and the region it was signed for.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as deliveries from '../../../runtime/cli/deliveries';
import * as logs from '../../../runtime/cli/logs';
import * as replay from '../../../runtime/cli/replay';
import * as secretsCli from '../../../runtime/cli/secrets';
import { startFakeAws, type FakeAws, type FakeCall } from '../../aws/support/fake-aws';
import { tempRoot } from '../../aws/support/function-dir';
import { cli } from '../support';
import { answerStack, ordersFunction, type FakeStack } from './fake-stack';

const JSON_10 = 'application/x-amz-json-1.0';
let aws: FakeAws; // every service the commands call, on one endpoint (told apart by operation)
let home: string;
let restoreEnv: () => void;

/** Sets (or, for undefined, removes) environment variables; returns the function that puts them back. */
function setEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const apply = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  };
  apply(values);
  return () => apply(saved);
}

/** Nothing from the machine running the tests: only what each test sets. */
const NO_AMBIENT_AWS = {
  AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_PROFILE: undefined,
  AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined, AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined, AWS_ROLE_ARN: undefined,
};

/** "AWS4-HMAC-SHA256 Credential=AKIA…/20250101/eu-west-3/sqs/aws4_request, …" → key id, region, service. */
function signedAs(call: FakeCall): string {
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(call.authorization);
  if (!scope) throw new Error(`${call.operation} was not signed with SigV4: "${call.authorization}"`);
  return `${scope[1]} ${scope[2]} ${scope[3]}`;
}

/** Runs `destfn replay orders --aws <flags>` and says how each call was signed. */
async function replaySignedAs(flags: string[] = []): Promise<string[]> {
  aws.calls.length = 0;
  const { code, err } = await cli(replay.main, ['orders', '--aws', ...flags]);
  expect(code === 0 ? 0 : err).toBe(0);
  return aws.calls.map((call) => `${call.operation}: ${signedAs(call)}`);
}

beforeAll(async () => {
  aws = await startFakeAws((call) => {
    const stack = answerStack(call, deployed());
    if (stack) return stack;
    switch (call.operation) {
      case 'GetQueueAttributes': return { body: JSON.stringify({ Attributes: { ApproximateNumberOfMessages: '1' } }), contentType: JSON_10 };
      case 'StartMessageMoveTask': return { body: JSON.stringify({ TaskHandle: 'th-1' }), contentType: JSON_10 };
      case 'FilterLogEvents': return { body: JSON.stringify({ events: [] }) };
      case 'Query': return { body: JSON.stringify({ Items: [], Count: 0 }), contentType: JSON_10 };
      case 'GetSecretValue': return { body: JSON.stringify({ SecretString: '{}' }) };
      case 'PutSecretValue': return { body: JSON.stringify({}) };
      default: return { status: 400, body: '{}' };
    }
  });
  home = tempRoot('destfn-aws-home-');
  mkdirSync(join(home, '.aws'));
  // Written once: the SDK caches the shared files it has read, by path.
  writeFileSync(join(home, '.aws', 'config'), [
    '[default]', 'region = us-west-2',
    '[profile ops]', 'region = eu-west-3',
    '[profile noregion]',
    '[profile nocreds]', 'region = eu-north-1',
  ].join('\n'));
  writeFileSync(join(home, '.aws', 'credentials'), [
    '[default]', 'aws_access_key_id = AKIADEFAULT', 'aws_secret_access_key = default-secret',
    '[ops]', 'aws_access_key_id = AKIAOPS', 'aws_secret_access_key = ops-secret',
    '[noregion]', 'aws_access_key_id = AKIANOREGION', 'aws_secret_access_key = noregion-secret',
  ].join('\n'));
  mkdirSync(join(home, 'functions', 'orders'), { recursive: true });
  writeFileSync(join(home, 'functions', 'orders', 'index.js'), 'async function onTrack() { return 1 }\n');
});

function deployed(): FakeStack {
  return { name: 'Destfn', outputs: { TableName: 'deliveries' }, functions: { orders: ordersFunction(aws.endpoint, 'eu-west-3') } };
}

beforeEach(() => {
  restoreEnv = setEnv({
    ...NO_AMBIENT_AWS,
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true', // no instance-metadata lookup when a test has no credentials
    AWS_ENDPOINT_URL_CLOUDFORMATION: aws.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: aws.endpoint,
    AWS_ENDPOINT_URL_SQS: aws.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: aws.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
  });
});

afterEach(() => restoreEnv());

afterAll(async () => {
  await aws?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('--profile', () => {
  it("every client of every command signs with the profile's keys, in the profile's region", async () => {
    aws.calls.length = 0;
    const runs = [
      await cli(deliveries.main, ['orders', '--aws', '--profile', 'ops']),
      await cli(logs.main, ['orders', '--aws', '--profile', 'ops']),
      await cli(replay.main, ['orders', '--aws', '--profile', 'ops']),
      await cli(secretsCli.main, ['set', 'orders', 'apiKey=k', '--aws', '--profile', 'ops', '--dir', join(home, 'functions')]),
    ];
    expect(runs.map((r) => (r.code === 0 ? 0 : r.err))).toEqual([0, 0, 0, 0]);
    expect([...new Set(aws.calls.map(signedAs))].sort()).toEqual([
      'AKIAOPS eu-west-3 cloudformation',
      'AKIAOPS eu-west-3 dynamodb',
      'AKIAOPS eu-west-3 logs',
      'AKIAOPS eu-west-3 secretsmanager',
      'AKIAOPS eu-west-3 sqs',
    ]);
  });

  it('AWS_PROFILE does the same', async () => {
    process.env.AWS_PROFILE = 'ops';
    expect(await replaySignedAs()).toEqual([
      'DescribeStackResource: AKIAOPS eu-west-3 cloudformation',
      'DescribeStacks: AKIAOPS eu-west-3 cloudformation',
      'GetQueueAttributes: AKIAOPS eu-west-3 sqs',
      'StartMessageMoveTask: AKIAOPS eu-west-3 sqs',
    ]);
  });

  it('--profile beats AWS_PROFILE and keys in the environment', async () => {
    Object.assign(process.env, { AWS_PROFILE: 'default', AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' });
    expect(await replaySignedAs(['--profile', 'ops'])).toContain('DescribeStacks: AKIAOPS eu-west-3 cloudformation');
  });

  it('without a profile: keys from the environment, else the default profile', async () => {
    expect(await replaySignedAs()).toContain('DescribeStacks: AKIADEFAULT us-west-2 cloudformation');
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' });
    expect(await replaySignedAs()).toContain('DescribeStacks: AKIAENV us-west-2 cloudformation');
  });
});

describe('region', () => {
  it('--region beats AWS_REGION, AWS_DEFAULT_REGION and the profile', async () => {
    Object.assign(process.env, { AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'ca-central-1' });
    expect(await replaySignedAs(['--region', 'ap-south-1', '--profile', 'ops'])).toEqual([
      'DescribeStackResource: AKIAOPS ap-south-1 cloudformation',
      'DescribeStacks: AKIAOPS ap-south-1 cloudformation',
      'GetQueueAttributes: AKIAOPS ap-south-1 sqs',
      'StartMessageMoveTask: AKIAOPS ap-south-1 sqs',
    ]);
  });

  it("AWS_REGION beats AWS_DEFAULT_REGION, which beats the profile's region", async () => {
    Object.assign(process.env, { AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'ca-central-1' });
    expect(await replaySignedAs(['--profile', 'ops'])).toContain('DescribeStacks: AKIAOPS eu-central-1 cloudformation');
    delete process.env.AWS_REGION;
    expect(await replaySignedAs(['--profile', 'ops'])).toContain('DescribeStacks: AKIAOPS ca-central-1 cloudformation');
  });

  it('AWS_DEFAULT_REGION serves a profile without a region', async () => {
    process.env.AWS_DEFAULT_REGION = 'ca-central-1';
    expect(await replaySignedAs(['--profile', 'noregion'])).toContain('DescribeStacks: AKIANOREGION ca-central-1 cloudformation');
  });
});

describe('clear errors, before any call', () => {
  it('no region anywhere', async () => {
    aws.calls.length = 0;
    const { code, err } = await cli(replay.main, ['orders', '--aws', '--profile', 'noregion']);
    expect(code).toBe(1);
    expect(err).toBe(
      'destfn replay --aws: no AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), or set region for ' +
      `profile "noregion" in ${join(home, '.aws', 'config')}\n`,
    );
    expect(aws.calls).toEqual([]);
  });

  it('no credentials for the profile', async () => {
    aws.calls.length = 0;
    const { code, err } = await cli(deliveries.main, ['orders', '--aws', '--profile', 'nocreds']);
    expect(code).toBe(1);
    expect(err).toMatch(/^destfn deliveries --aws: no AWS credentials for profile "nocreds" \(.+\): run `aws configure --profile nocreds` or `aws sso login --profile nocreds`, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile\n$/);
    expect(aws.calls).toEqual([]);
  });

  it('--region and --profile without --aws are a usage error', async () => {
    const { code, err } = await cli(logs.main, ['orders', '--region', 'eu-west-1']);
    expect(code).toBe(1);
    expect(err).toMatch(/^destfn logs: --region and --profile go with --aws\nusage: destfn logs <function>\S* .*--aws \[--region r\] \[--profile p\]/);
  });
});

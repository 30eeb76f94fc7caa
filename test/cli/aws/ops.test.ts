/**
 * The `--aws` operations of the CLI. CloudFormation, CloudWatch Logs and StartMessageMoveTask have no local
 * emulator: a fake endpoint on 127.0.0.1 answers them on the wire (and records what was asked). Secrets
 * Manager through aws-sdk-client-mock.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { fetchLogsAws, FILTER_PATTERN, logRecordOf } from '../../../runtime/cli/aws/logs';
import { replayAws } from '../../../runtime/cli/aws/replay';
import { setSecretsAws } from '../../../runtime/cli/aws/secrets';
import { functionResources } from '../../../runtime/cli/aws/function-resources';
import { readStackOutputs } from '../../../runtime/cli/aws/stack-outputs';
import type { LogRecord } from '../../../runtime/delivery/record';
import { useFakeAwsEnv } from '../../aws/support/aws-env';
import { startFakeAws, type FakeAws } from '../../aws/support/fake-aws';
import { tempRoot } from '../../aws/support/function-dir';
import { answerStack, nestedStackArn, type FakeStack } from './fake-stack';

const STACK: FakeStack = {
  name: 'Destfn',
  outputs: { ApiUrl: 'https://abc.execute-api.us-east-1.amazonaws.com/', TableName: 'Destfn-Deliveries' },
  functions: {
    'teams-notify': {
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/Destfn-fn-teams-notify',
      dlqUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/Destfn-dlq-teams-notify',
      dlqArn: 'arn:aws:sqs:us-east-1:123456789012:Destfn-dlq-teams-notify',
      secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:destfn/Destfn/functions/teams-notify-AbCdEf',
      logGroup: '/destfn/Destfn/functions/teams-notify',
    },
  },
};
const TEAMS = STACK.functions['teams-notify'];

let restoreEnv: () => void = () => undefined;
afterEach(() => restoreEnv());

describe('stack outputs', () => {
  let cfn: FakeAws;
  beforeAll(async () => {
    cfn = await startFakeAws((call) => answerStack(call, STACK) ?? { status: 400, body: '{}' });
  });
  afterAll(() => cfn.close());

  it('reads the outputs of stack "Destfn", and a function\'s resources from the outputs of its nested stack', async () => {
    restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.endpoint });
    expect(await readStackOutputs()).toEqual(STACK.outputs);
    expect(cfn.calls.at(-1)?.operation).toBe('DescribeStacks');
    cfn.calls.length = 0;
    expect(await functionResources('teams-notify')).toEqual(TEAMS);
    expect(cfn.calls.map((c) => [c.operation, new URLSearchParams(c.body).get('StackName'), new URLSearchParams(c.body).get('LogicalResourceId')]))
      .toEqual([['DescribeStackResource', 'Destfn', 'FunctionTeamsNotify'], ['DescribeStacks', nestedStackArn('Destfn', 'teams-notify'), null]]);
    await expect(functionResources('webhook')).rejects
      .toThrow('function "webhook" is not deployed (no FunctionWebhook in stack Destfn); deployed functions (as the stack names them): TeamsNotify');
  });

  it('says how to fix a missing stack', async () => {
    restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.endpoint, DESTFN_STACK_NAME: 'Elsewhere' });
    await expect(readStackOutputs()).rejects.toThrow('stack "Elsewhere" not found (region us-east-1): deploy it with `npx cdk deploy`');
  });
});

describe('logs --aws', () => {
  const line = (messageId: string, logs: string[], extra: Record<string, unknown> = {}) => JSON.stringify({
    level: 'INFO', message: 'delivery', timestamp: `2025-03-01T10:00:0${messageId.slice(-1)}.000Z`, service: 'destfn',
    function: 'teams-notify', messageId, type: 'track', event: 'Order Completed', status: 'delivered', attempt: 1, logs, ...extra,
  });

  it('maps the per-event lines to log records, skipping other lines and events without output', () => {
    expect(logRecordOf('teams-notify', line('m1', ['posted', 'key [REDACTED]']), 0)).toEqual({
      function: 'teams-notify', messageId: 'm1', at: '2025-03-01T10:00:01.000Z', lines: ['posted', 'key [REDACTED]'],
    });
    expect(logRecordOf('teams-notify', line('m2', []), 0)).toBeNull();
    expect(logRecordOf('teams-notify', JSON.stringify({ message: 'function loaded', logs: ['x'] }), 0)).toBeNull();
    expect(logRecordOf('teams-notify', 'START RequestId: 1 Version: $LATEST', 0)).toBeNull();
  });

  it('pages through FilterLogEvents of the function log group, then follows new events without repeating any', async () => {
    let polls = 0;
    const t = Date.now() - 10_000;
    const logs = await startFakeAws((call) => {
      const input = JSON.parse(call.body) as { nextToken?: string };
      if (polls === 0 && !input.nextToken) {
        return { body: JSON.stringify({ events: [{ eventId: 'e1', timestamp: t + 1, message: line('m1', ['one']) }], nextToken: 'page2' }) };
      }
      if (polls === 0) {
        polls++;
        return { body: JSON.stringify({ events: [
          { eventId: 'e2', timestamp: t + 2, message: line('m2', []) },
          { eventId: 'e3', timestamp: t + 3, message: line('m3', ['three']) },
        ] }) };
      }
      polls++;
      return { body: JSON.stringify({ events: [
        { eventId: 'e3', timestamp: t + 3, message: line('m3', ['three']) }, // read again: same millisecond as the last poll
        { eventId: 'e4', timestamp: t + 4, message: line('m4', ['four']) },
      ] }) };
    });
    restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint });
    const controller = new AbortController();
    const seen: LogRecord[] = [];
    for await (const record of fetchLogsAws('teams-notify', { resources: TEAMS, follow: true, pollMs: 10, signal: controller.signal })) {
      seen.push(record);
      if (record.messageId === 'm4') controller.abort();
    }
    await logs.close();

    expect(seen.map((r) => [r.messageId, r.lines])).toEqual([['m1', ['one']], ['m3', ['three']], ['m4', ['four']]]);
    const first = JSON.parse(logs.calls[0].body) as Record<string, unknown>;
    expect(logs.calls[0].operation).toBe('FilterLogEvents');
    expect(first).toMatchObject({ logGroupName: TEAMS.logGroup, filterPattern: FILTER_PATTERN });
    expect((JSON.parse(logs.calls[2].body) as { startTime: number }).startTime).toBe(t + 3);
  });
});

describe('replay --aws', () => {
  // The SQS client sends to the host of the queue URL, as real queue URLs name the regional endpoint.
  const onEndpoint = (endpoint: string) => ({ ...TEAMS, dlqUrl: `${endpoint}/123456789012/Destfn-dlq-teams-notify` });

  it("starts a message move task from the function's DLQ back to its source queue", async () => {
    const sqs = await startFakeAws((call) => call.operation === 'GetQueueAttributes'
      ? { body: JSON.stringify({ Attributes: { ApproximateNumberOfMessages: '7' } }), contentType: 'application/x-amz-json-1.0' }
      : { body: JSON.stringify({ TaskHandle: 'task-123' }), contentType: 'application/x-amz-json-1.0' });
    restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_SQS: sqs.endpoint });
    const resources = onEndpoint(sqs.endpoint);
    const result = await replayAws('teams-notify', { resources });
    await sqs.close();

    expect(result).toEqual({ taskHandle: 'task-123', approximateMessages: 7 });
    expect(sqs.calls.map((c) => c.operation)).toEqual(['GetQueueAttributes', 'StartMessageMoveTask']);
    expect(JSON.parse(sqs.calls[0].body)).toMatchObject({ QueueUrl: resources.dlqUrl });
    // No DestinationArn: SQS moves each message back to the queue it was dead-lettered from.
    expect(JSON.parse(sqs.calls[1].body)).toEqual({ SourceArn: TEAMS.dlqArn });
  });

  it('starts nothing when the DLQ is empty', async () => {
    const sqs = await startFakeAws(() => ({ body: JSON.stringify({ Attributes: { ApproximateNumberOfMessages: '0' } }), contentType: 'application/x-amz-json-1.0' }));
    restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_SQS: sqs.endpoint });
    expect(await replayAws('teams-notify', { resources: onEndpoint(sqs.endpoint) })).toEqual({ taskHandle: null, approximateMessages: 0 });
    await sqs.close();
    expect(sqs.calls.map((c) => c.operation)).toEqual(['GetQueueAttributes']);
  });
});

describe('secrets set --aws', () => {
  const secrets = mockClient(SecretsManagerClient);
  let functionsDir: string;
  beforeAll(() => {
    functionsDir = tempRoot('destfn-aws-secrets-');
    mkdirSync(join(functionsDir, 'teams-notify'));
    writeFileSync(join(functionsDir, 'teams-notify', 'index.js'), 'async function onTrack() {}\n');
    writeFileSync(join(functionsDir, 'teams-notify', 'function.json'), JSON.stringify({
      settings: { webhookUrl: { type: 'string', required: true, secret: true }, channel: { type: 'string' } },
    }));
  });
  afterAll(() => { secrets.restore(); rmSync(functionsDir, { recursive: true, force: true }); });
  beforeEach(() => { secrets.reset(); restoreEnv = useFakeAwsEnv(); });

  const put = () => secrets.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input);

  it('merges the new values into the secret, keeping the others', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhookUrl: 'https://old', apiKey: 'k-1234' }) });
    secrets.on(PutSecretValueCommand).resolves({});
    const names = await setSecretsAws('teams-notify', { webhookUrl: 'https://new' }, { resources: TEAMS, functionsDir });

    expect(names).toEqual(['webhookUrl']);
    expect(put()).toEqual([{ SecretId: TEAMS.secretArn, SecretString: JSON.stringify({ webhookUrl: 'https://new', apiKey: 'k-1234' }) }]);
  });

  it('writes a first value when the secret has none yet', async () => {
    secrets.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'no value', $metadata: {} }));
    secrets.on(PutSecretValueCommand).resolves({});
    await setSecretsAws('teams-notify', { apiKey: 'k-9999' }, { resources: TEAMS, functionsDir });
    expect(put()[0].SecretString).toBe(JSON.stringify({ apiKey: 'k-9999' }));
  });

  it('refuses unknown and non-secret setting names before touching the secret', async () => {
    await expect(setSecretsAws('teams-notify', { webhookUrll: 'x' }, { resources: TEAMS, functionsDir }))
      .rejects.toThrow('function "teams-notify" has no setting "webhookUrll" (settings: apiKey, webhookUrl, channel)');
    await expect(setSecretsAws('teams-notify', { channel: 'ops' }, { resources: TEAMS, functionsDir }))
      .rejects.toThrow('setting "channel" of "teams-notify" is not secret');
    expect(secrets.calls()).toHaveLength(0);
  });

  it('never quotes a stored value that is not JSON', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'hunter2-plain-text' });
    const failure = setSecretsAws('teams-notify', { apiKey: 'k-1' }, { resources: TEAMS, functionsDir });
    await expect(failure).rejects.toThrow('does not hold a JSON object');
    await expect(failure).rejects.not.toThrow('hunter2');
    expect(put()).toEqual([]);
  });
});

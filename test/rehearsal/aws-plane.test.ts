/**
 * The local AWS plane of the deploy rehearsal: real SDK v3 clients, AWS_ENDPOINT_URL = the plane, IAM enforced
 * with @cloud-copilot/iam-simulate, fauxqs and dynalite behind it.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand, GetLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import {
  BatchGetItemCommand, BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, GetItemCommand, QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  GetQueueUrlCommand, ListMessageMoveTasksCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient, StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { FILTER_PATTERN } from '../../runtime/cli/aws/logs';
import { createDeliveryTable } from '../aws/support/dynalite';
import { startAwsPlane, type AwsPlane, type PlaneCredentials, type PolicyDocument } from './aws-plane';

const ACCOUNT = '000000000000';
let plane: AwsPlane;
let savedEndpoint: string | undefined;
const queues: Record<string, { url: string; arn: string }> = {};
let ownSecret: string;
let otherSecret: string;
let stackArn: string;

function policy(...Statement: unknown[]): PolicyDocument {
  return { Version: '2012-10-17', Statement };
}

/** Clients as a Lambda builds them: endpoint from AWS_ENDPOINT_URL, the principal's credentials. */
function clients(credentials: PlaneCredentials) {
  const config = {
    region: 'us-east-1',
    credentials: { accessKeyId: credentials.AWS_ACCESS_KEY_ID, secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY, sessionToken: credentials.AWS_SESSION_TOKEN },
  };
  return {
    sqs: new SQSClient(config), dynamodb: new DynamoDBClient(config), secrets: new SecretsManagerClient(config),
    logs: new CloudWatchLogsClient(config), cloudformation: new CloudFormationClient(config),
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to be refused');
}

let fn: ReturnType<typeof clients>;
let narrow: ReturnType<typeof clients>;
let operator: ReturnType<typeof clients>;

beforeAll(async () => {
  plane = await startAwsPlane({ logsPageSize: 2 });
  savedEndpoint = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = plane.endpoint;

  queues.work = await plane.sqs.createQueue('work');
  queues.guarded = await plane.sqs.createQueue('guarded');
  queues.srcDlq = await plane.sqs.createQueue('src-dlq');
  queues.src = await plane.sqs.createQueue('src', {
    VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queues.srcDlq.arn, maxReceiveCount: '3' }),
  });
  await createDeliveryTable(plane.admin.dynamodb, 'deliveries');
  await plane.admin.dynamodb.send(new CreateTableCommand({
    TableName: 'audit', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  }));
  ownSecret = plane.secrets.create('fn-secret', '{"apiKey":"own"}');
  otherSecret = plane.secrets.create('other-secret', '{"apiKey":"not yours"}');
  stackArn = plane.cloudformation.setStack('Destfn', { TableName: 'deliveries', WorkQueueUrl: queues.work.url },
    `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/Destfn/6f1c2d3e-0000-4000-8000-000000000001`);

  const table = plane.arns.table('deliveries');
  fn = clients(plane.addPrincipal({
    name: 'FnRole',
    arn: `arn:aws:iam::${ACCOUNT}:role/Destfn-FnRole`,
    sessionName: 'Destfn-Fn',
    policies: [{
      name: 'FnRoleDefaultPolicy',
      document: policy(
        { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: [queues.work.arn, queues.guarded.arn] },
        { Effect: 'Allow', Action: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'], Resource: table, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['fn#*'] } } },
        { Effect: 'Allow', Action: 'dynamodb:Query', Resource: plane.arns.index('deliveries', 'byFunction'), Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['fn'] } } },
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ownSecret },
      ),
    }],
  }));
  narrow = clients(plane.addPrincipal({
    name: 'NarrowRole',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Destfn-NarrowRole/rehearsal`,
    policies: [{ name: 'Narrow', document: policy({ Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:StartMessageMoveTask'], Resource: '*' }) }],
  }));
  operator = clients(plane.addPrincipal({
    name: 'Operators',
    arn: `arn:aws:iam::${ACCOUNT}:role/destfn-operator`,
    policies: [{
      name: 'Operators',
      document: policy(
        { Sid: 'ResolveStackOutputs', Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: stackArn },
        { Sid: 'ReadLogs', Effect: 'Allow', Action: ['logs:FilterLogEvents', 'logs:GetLogEvents'], Resource: `${plane.arns.logGroup('/aws/lambda/fn')}:*` },
        { Sid: 'ReadDeliveries', Effect: 'Allow', Action: 'dynamodb:Query', Resource: [table, plane.arns.index('deliveries', 'byFunction')] },
        {
          Sid: 'ReplayFromDeadLetterQueues', Effect: 'Allow',
          Action: ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: queues.srcDlq.arn,
        },
        { Sid: 'ReplayIntoFunctionQueues', Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'], Resource: queues.src.arn },
      ),
    }],
  }));
}, 20_000);

afterAll(async () => {
  for (const set of [fn, narrow, operator]) for (const client of Object.values(set ?? {})) client.destroy();
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = savedEndpoint;
  await plane?.stop();
});

describe('SQS', () => {
  test('an allowed SendMessageBatch reaches fauxqs (authorized as sqs:SendMessage) and can be received', async () => {
    expect(queues.work.url).toBe(`${plane.endpoint}/${ACCOUNT}/work`);
    expect((await plane.admin.sqs.send(new ListQueuesCommand({}))).QueueUrls?.sort()).toEqual(Object.values(queues).map((q) => q.url).sort());
    expect((await plane.admin.sqs.send(new GetQueueUrlCommand({ QueueName: 'work' }))).QueueUrl).toBe(queues.work.url);
    const out = await fn.sqs.send(new SendMessageBatchCommand({
      QueueUrl: queues.work.url, Entries: [{ Id: '1', MessageBody: 'one' }, { Id: '2', MessageBody: 'two' }],
    }));
    expect(out.Successful).toHaveLength(2);
    const received = await fn.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.work.url, MaxNumberOfMessages: 10 }));
    expect((received.Messages ?? []).map((m) => m.Body).sort()).toEqual(['one', 'two']);
    expect(plane.decisions.filter((d) => d.operation === 'SendMessageBatch')).toEqual([expect.objectContaining({
      principal: 'FnRole', action: 'sqs:SendMessage', resource: queues.work.arn, allowed: true,
    })]);
  });

  test('without sqs:SendMessage the SDK throws AccessDenied as SQS words it, and the denial names action, resource and role', async () => {
    const err = await rejection(narrow.sqs.send(new SendMessageBatchCommand({ QueueUrl: queues.work.url, Entries: [{ Id: '1', MessageBody: 'x' }] })));
    expect(err.name).toBe('AccessDenied');
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toBe(`User: arn:aws:sts::${ACCOUNT}:assumed-role/Destfn-NarrowRole/rehearsal is not authorized to perform: sqs:sendmessage `
      + `on resource: ${queues.work.arn} because no identity-based policy allows the sqs:sendmessage action`);
    expect(() => plane.assertNoDenials()).toThrow(/NarrowRole .*sqs:SendMessage on arn:aws:sqs:us-east-1:000000000000:work \[SendMessageBatch\]/);
    expect(plane.forgetDenials((d) => d.principal === 'NarrowRole')).toBe(1);
    expect(() => plane.assertNoDenials()).not.toThrow();
  });

  test('a queue policy denying plain HTTP does not block (the SDK uses HTTPS); one denying the role does', async () => {
    plane.setResourcePolicy(queues.guarded.arn, policy({
      Sid: 'AllowSecureTransportOnly', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:*', Resource: queues.guarded.arn,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    await fn.sqs.send(new SendMessageCommand({ QueueUrl: queues.guarded.url, MessageBody: 'over https' }));

    plane.setResourcePolicy(queues.guarded.arn, policy({
      Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Destfn-FnRole` }, Action: 'sqs:SendMessage', Resource: queues.guarded.arn,
    }));
    const err = await rejection(fn.sqs.send(new SendMessageCommand({ QueueUrl: queues.guarded.url, MessageBody: 'x' })));
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toBe(`User: arn:aws:sts::${ACCOUNT}:assumed-role/Destfn-FnRole/Destfn-Fn is not authorized to perform: sqs:sendmessage `
      + `on resource: ${queues.guarded.arn} with an explicit deny in a resource-based policy`);
    expect(plane.forgetDenials((d) => d.principal === 'FnRole' && d.resource === queues.guarded.arn)).toBe(1);
  });

  test('StartMessageMoveTask (played by the plane) moves the DLQ messages back to their queue', async () => {
    for (const body of ['a', 'b', 'c']) await plane.admin.sqs.send(new SendMessageCommand({ QueueUrl: queues.srcDlq.url, MessageBody: body }));
    const task = await operator.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queues.srcDlq.arn }));
    expect(task.TaskHandle).toEqual(expect.any(String));
    await plane.sqs.moveTasksIdle();
    const moved = await plane.admin.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.src.url, MaxNumberOfMessages: 10 }));
    expect((moved.Messages ?? []).map((m) => m.Body).sort()).toEqual(['a', 'b', 'c']);
    const listed = await operator.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queues.srcDlq.arn }));
    expect(listed.Results?.[0]).toEqual(expect.objectContaining({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3, DestinationArn: queues.src.arn }));
    // AWS also requires ReceiveMessage, DeleteMessage, GetQueueAttributes on the DLQ and SendMessage on the destination.
    const err = await rejection(narrow.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queues.srcDlq.arn })));
    expect(err.name).toBe('AccessDenied');
    expect(plane.denials().map((d) => d.action)).toEqual(['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:SendMessage']);
    plane.forgetDenials((d) => d.principal === 'NarrowRole');
  });
});

describe('DynamoDB', () => {
  const put = (pk: string) => ({ PutRequest: { Item: { pk: { S: pk }, function: { S: pk.split('#')[0] }, updatedAt: { S: '2025-01-01T00:00:00Z' } } } });

  test('BatchWriteItem/BatchGetItem are allowed only when every key matches ForAllValues:StringLike dynamodb:LeadingKeys ["fn#*"]', async () => {
    await fn.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { deliveries: [put('fn#1'), put('fn#2')] } }));
    const got = await fn.dynamodb.send(new BatchGetItemCommand({ RequestItems: { deliveries: { Keys: [{ pk: { S: 'fn#1' } }, { pk: { S: 'fn#2' } }] } } }));
    expect(got.Responses?.deliveries).toHaveLength(2);

    const writeErr = await rejection(fn.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { deliveries: [put('fn#3'), put('other#1')] } })));
    expect(writeErr.name).toBe('AccessDeniedException');
    expect(writeErr.message).toBe(`User: arn:aws:sts::${ACCOUNT}:assumed-role/Destfn-FnRole/Destfn-Fn is not authorized to perform: dynamodb:BatchWriteItem `
      + `on resource: ${plane.arns.table('deliveries')} because no identity-based policy allows the dynamodb:BatchWriteItem action`);
    const notWritten = await plane.admin.dynamodb.send(new GetItemCommand({ TableName: 'deliveries', Key: { pk: { S: 'fn#3' } } }));
    expect(notWritten.Item).toBeUndefined();

    const getErr = await rejection(fn.dynamodb.send(new BatchGetItemCommand({ RequestItems: { deliveries: { Keys: [{ pk: { S: 'fn#1' } }, { pk: { S: 'other#1' } }] } } })));
    expect(getErr.name).toBe('AccessDeniedException');
    expect(plane.denials().map((d) => [d.action, d.resource])).toEqual([
      ['dynamodb:BatchWriteItem', plane.arns.table('deliveries')], ['dynamodb:BatchGetItem', plane.arns.table('deliveries')],
    ]);
    plane.forgetDenials(() => true);
  });

  test('a batch over two tables is denied when one of them is not allowed', async () => {
    const err = await rejection(fn.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { deliveries: [put('fn#4')], audit: [put('fn#4')] } })));
    expect(err.name).toBe('AccessDeniedException');
    expect(plane.decisions.filter((d) => d.operation === 'BatchWriteItem').slice(-2).map((d) => [d.resource, d.allowed]))
      .toEqual([[plane.arns.table('deliveries'), true], [plane.arns.table('audit'), false]]);
    plane.forgetDenials(() => true);
  });

  test('Query on the index: LeadingKeys is the index partition key value of the key condition', async () => {
    const query = (fnName: string) => new QueryCommand({
      TableName: 'deliveries', IndexName: 'byFunction', KeyConditionExpression: '#f = :f', ExpressionAttributeNames: { '#f': 'function' },
      ExpressionAttributeValues: { ':f': { S: fnName } },
    });
    expect((await fn.dynamodb.send(query('fn'))).Items?.map((i) => i.pk.S).sort()).toEqual(['fn#1', 'fn#2']);
    expect((await rejection(fn.dynamodb.send(query('other')))).name).toBe('AccessDeniedException');
    expect(plane.denials()).toEqual([expect.objectContaining({ action: 'dynamodb:Query', resource: plane.arns.index('deliveries', 'byFunction') })]);
    plane.forgetDenials(() => true);
    expect((await operator.dynamodb.send(query('other'))).Items).toEqual([]);
  });
});

describe('Secrets Manager', () => {
  test('GetSecretValue on its own secret, AccessDeniedException on another naming the SecretId as given', async () => {
    expect((await fn.secrets.send(new GetSecretValueCommand({ SecretId: ownSecret }))).SecretString).toBe('{"apiKey":"own"}');
    expect(ownSecret).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:fn-secret-[A-Za-z0-9]{6}$`));
    const err = await rejection(fn.secrets.send(new GetSecretValueCommand({ SecretId: 'other-secret' })));
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toBe(`User: arn:aws:sts::${ACCOUNT}:assumed-role/Destfn-FnRole/Destfn-Fn is not authorized to perform: `
      + 'secretsmanager:GetSecretValue on resource: other-secret because no identity-based policy allows the secretsmanager:GetSecretValue action');
    expect(err.message).not.toContain('not yours');
    expect(plane.denials()).toEqual([expect.objectContaining({ resource: otherSecret })]);
    plane.forgetDenials(() => true);
  });

  test('PutSecretValue (admin) changes what GetSecretValue returns; an unknown secret is ResourceNotFoundException', async () => {
    await plane.admin.secrets.send(new PutSecretValueCommand({ SecretId: ownSecret, SecretString: '{"apiKey":"rotated"}' }));
    expect((await fn.secrets.send(new GetSecretValueCommand({ SecretId: ownSecret }))).SecretString).toBe('{"apiKey":"rotated"}');
    expect(plane.secrets.read('fn-secret')).toBe('{"apiKey":"rotated"}');
    const err = await rejection(plane.admin.secrets.send(new GetSecretValueCommand({ SecretId: 'nope' })));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.message).toBe("Secrets Manager can't find the specified secret.");
  });
});

describe('CloudWatch Logs and CloudFormation', () => {
  test('FilterLogEvents with the delivery pattern of `destfn logs` returns what was put, page by page', async () => {
    const line = (id: string) => JSON.stringify({ level: 'INFO', message: 'delivery', function: 'fn', messageId: id, logs: [`log ${id}`] });
    plane.logs.put('/aws/lambda/fn', '2025/01/01/[$LATEST]a', [line('m1'), 'START RequestId: 1', line('m2')], [1000, 1001, 1002]);
    plane.logs.put('/aws/lambda/fn', '2025/01/01/[$LATEST]b', [`2025-01-01T00:00:01.003Z\treq\tINFO\t${line('m3')}`], [1003]);
    const events: FilteredLogEvent[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await operator.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn', filterPattern: FILTER_PATTERN, startTime: 0, nextToken }));
      events.push(...page.events ?? []);
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(2);
    expect(events.map((e) => JSON.parse(e.message!.slice(e.message!.indexOf('{'))).messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    const stream = await operator.logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/fn', logStreamName: '2025/01/01/[$LATEST]a', startFromHead: true }));
    expect(stream.events?.map((e) => e.timestamp)).toEqual([1000, 1001, 1002]);

    plane.logs.put('/aws/lambda/other', 's', ['x']);
    const err = await rejection(operator.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/other' })));
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toContain(`logs:FilterLogEvents on resource: ${plane.arns.logGroup('/aws/lambda/other')}:log-stream: because`);
    plane.forgetDenials(() => true);
  });

  test('DescribeStacks answers the outputs set; another stack is AccessDenied for Operators, ValidationError for admin', async () => {
    const out = await operator.cloudformation.send(new DescribeStacksCommand({ StackName: 'Destfn' }));
    expect(out.Stacks?.[0]?.StackId).toBe(stackArn);
    expect(Object.fromEntries((out.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue])))
      .toEqual({ TableName: 'deliveries', WorkQueueUrl: queues.work.url });
    const denied = await rejection(operator.cloudformation.send(new DescribeStacksCommand({ StackName: 'Elsewhere' })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toContain(`cloudformation:DescribeStacks on resource: arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/Elsewhere/*`);
    plane.forgetDenials(() => true);
    const missing = await rejection(plane.admin.cloudformation.send(new DescribeStacksCommand({ StackName: 'Elsewhere' })));
    expect(missing.name).toBe('ValidationError');
    expect(missing.message).toBe('Stack with id Elsewhere does not exist');
  });
});

test('an unknown access key is refused as AWS refuses an invalid token, by every service', async () => {
  const stranger = clients({ AWS_ACCESS_KEY_ID: 'ASIASTRANGER0000000', AWS_SECRET_ACCESS_KEY: 'x', AWS_SESSION_TOKEN: 'y' });
  const names = await Promise.all([
    rejection(stranger.sqs.send(new SendMessageCommand({ QueueUrl: queues.work.url, MessageBody: 'x' }))),
    rejection(stranger.dynamodb.send(new GetItemCommand({ TableName: 'deliveries', Key: { pk: { S: 'fn#1' } } }))),
    rejection(stranger.secrets.send(new GetSecretValueCommand({ SecretId: ownSecret }))),
    rejection(stranger.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn' }))),
    rejection(stranger.cloudformation.send(new DescribeStacksCommand({ StackName: 'Destfn' }))),
  ]);
  for (const client of Object.values(stranger)) client.destroy();
  expect(names.map((e) => e.name)).toEqual([
    'InvalidClientTokenId', 'UnrecognizedClientException', 'UnrecognizedClientException', 'UnrecognizedClientException', 'InvalidClientTokenId',
  ]);
  expect(names.every((e) => e.message === 'The security token included in the request is invalid.')).toBe(true);
  expect(plane.decisions.filter((d) => d.principal === 'stranger')).toEqual([]);
  plane.assertNoDenials();
});

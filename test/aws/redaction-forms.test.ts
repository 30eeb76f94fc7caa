/**
 * On AWS, every transformed form of a secret a function logs, returns or throws is redacted in what the
 * destination Lambda writes: its CloudWatch log lines (the captured user logs, the error) and the delivery
 * record in DynamoDB. The bundled handler as it ships, real SQS records from fauxqs, dynalite.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { rmSync } from 'node:fs';
import { REDACTED } from '../../runtime/settings/redact';
import { LEAKY_FUNCTION, LEAKY_SECRET, LEAKY_SETTINGS, leaksIn } from '../runtime/support/secret-leaks';
import { useFakeAwsEnv } from './support/aws-env';
import { loadBundledHandler, removeBundles } from './support/bundle';
import { captureOutput } from './support/captured-output';
import { createDeliveryTable, startDynalite, type Dynalite } from './support/dynalite';
import { createQueueWithDlq, receiveRecords, startFauxqs, type Fauxqs } from './support/fauxqs';
import { tempRoot, writeFunctionDir } from './support/function-dir';
import { lambdaContext } from './support/lambda';
import { interceptLocalhostDns } from './support/localhost-dns';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const TABLE = 'destfn-deliveries';
const secrets = mockClient(SecretsManagerClient);
let sqs: Fauxqs;
let ddb: Dynalite;
let root: string;
let restoreEnv: () => void;
let restoreDns: () => void;

beforeAll(async () => {
  restoreDns = interceptLocalhostDns();
  [sqs, ddb] = await Promise.all([startFauxqs(), startDynalite()]);
  await createDeliveryTable(ddb.client, TABLE);
  root = tempRoot('destfn-aws-redaction-');
  restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint });
});
afterAll(async () => {
  await Promise.all([sqs?.stop(), ddb?.stop()]);
  restoreEnv?.();
  restoreDns?.();
  secrets.restore();
  removeBundles();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('log lines and delivery records hold no form of the secret, returned or thrown', async () => {
  const { createDestinationHandler } = loadBundledHandler<{ createDestinationHandler(env: Record<string, string | undefined>): Handler }>('destination-handler');
  const { queue } = await createQueueWithDlq(sqs.client, 'leaky', 3);
  const dir = writeFunctionDir(root, { name: 'leaky', code: LEAKY_FUNCTION, functionJson: { settings: LEAKY_SETTINGS, retry: { attempts: 3, windowHours: 1 } }, settings: {} });
  const secretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:destfn-fn-leaky';
  secrets.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({ SecretString: JSON.stringify({ apiKey: LEAKY_SECRET }) });
  const handler = createDestinationHandler({
    ...process.env, DESTFN_FUNCTION_NAME: 'leaky', DESTFN_FUNCTION_DIR: dir, DESTFN_TABLE_NAME: TABLE, DESTFN_SECRET_ARN: secretArn, DESTFN_QUEUE_URL: queue.url,
  });
  const events = [
    { type: 'track', event: 'x', userId: 'u', messageId: 'aws-leak-return', receivedAt: new Date().toISOString() },
    { type: 'track', event: 'x', userId: 'u', messageId: 'aws-leak-throw', properties: { mode: 'throw' }, receivedAt: new Date().toISOString() },
  ];
  for (const event of events) await sqs.client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(event) }));

  const output = captureOutput();
  try {
    const records = await receiveRecords(sqs.client, queue, 1);
    expect(records).toHaveLength(2);
    await handler({ Records: records }, lambdaContext('destfn-leaky'));
  } finally {
    output.restore();
  }
  const lines = output.json().filter((l) => l.message === 'delivery');
  expect(lines.map((l) => l.messageId).sort()).toEqual(['aws-leak-return', 'aws-leak-throw']);
  expect(JSON.stringify(lines)).toContain(`<Buffer ${REDACTED}>`);
  expect(leaksIn(output.text())).toEqual([]);

  const doc = DynamoDBDocumentClient.from(ddb.client);
  for (const event of events) {
    const item = (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: `leaky#${event.messageId}` }, ConsistentRead: true }))).Item;
    expect(item).toBeDefined();
    expect(leaksIn(JSON.stringify(item))).toEqual([]);
  }
});

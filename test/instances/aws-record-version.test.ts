/**
 * On AWS the record of each attempt carries the code version synth staged for the function (an instance's own),
 * and the DynamoDB store gives it back, by key and in `deliveries --aws`'s history listing.
 */
import type { SQSRecord } from 'aws-lambda';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDeliveryStore, type AwsDeliveryStore } from '../../runtime/aws/delivery-store';
import { listDeliveryRecords } from '../../runtime/aws/delivery-list';
import { createFunctionLoader } from '../../runtime/aws/function-loader';
import { createRecordProcessor } from '../../runtime/aws/record-processor';
import { loadProjectFunctions } from '../../lib/function-discovery';
import { destinationFunctionFiles, FUNCTION_DIR } from '../../lib/lambda-assets';
import { useFakeAwsEnv } from '../aws/support/aws-env';
import { createDeliveryTable, startDynalite, type Dynalite } from '../aws/support/dynalite';

const TABLE = 'records';
let root: string;
let ddb: Dynalite;
let store: AwsDeliveryStore;
let restoreEnv: () => void;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'destfn-aws-version-'));
  const dir = join(root, 'functions', 'shop');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), 'async function onTrack(event, settings) { return settings.region; }');
  writeFileSync(join(dir, 'function.json'), JSON.stringify({
    settings: { region: { type: 'string', required: true } },
    instances: { eu: { settings: { region: 'eu-west-1' } }, us: { settings: { region: 'us-east-1' } } },
  }));
  ddb = await startDynalite();
  await createDeliveryTable(ddb.client, TABLE);
  restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint });
  store = createDeliveryStore({ tableName: TABLE });
});
afterAll(async () => {
  restoreEnv?.();
  await ddb?.stop();
  rmSync(root, { recursive: true, force: true });
});

function staged(files: Record<string, string>, id: string): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, id, path)), { recursive: true });
    writeFileSync(join(root, id, path), text);
  }
  return join(root, id, FUNCTION_DIR);
}

function sqsRecord(messageId: string): SQSRecord {
  const event = { type: 'track', event: 'Order Completed', userId: 'u1', messageId, receivedAt: '2026-11-29T10:00:00.000Z' };
  return {
    messageId: `sqs-${messageId}`, receiptHandle: `rh-${messageId}`, body: JSON.stringify(event),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.parse('2026-11-29T10:00:00.000Z')), SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q', awsRegion: 'us-east-1',
  };
}

test('each instance\'s records carry its staged code version, by key and in the history listing', async () => {
  const { deployable } = loadProjectFunctions(join(root, 'functions'));
  for (const fn of deployable) {
    const loader = createFunctionLoader({ dir: staged(destinationFunctionFiles(fn), fn.id), secretArn: 'unused', readSecret: async () => ({}) });
    const telemetry = { event: () => {}, flush: () => {} };
    const process = createRecordProcessor({
      functionName: fn.definition.name, loader, store, telemetry, changeVisibility: async () => {},
      log: { warn: () => {}, error: () => {} },
    });
    expect(await process(sqsRecord(`${fn.id}-1`))).toEqual(['delivered']);
    expect((await store.get(fn.definition.name, `${fn.id}-1`))?.version).toBe(fn.definition.version);
  }
  await store.flushHistory();
  const doc = DynamoDBDocumentClient.from(ddb.client);
  const [eu, us] = deployable;
  expect(eu.definition.version).not.toBe(us.definition.version);
  const listed = await listDeliveryRecords(doc, TABLE, 'shop:eu');
  expect(listed.map((r) => [r.function, r.messageId, r.version])).toEqual([['shop:eu', 'ShopEu-1', eu.definition.version]]);
});

/** Delivery records in dynalite: the adapter the destination Lambda writes with and `deliveries --aws` reads with. */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord } from '../../runtime/delivery/record';
import { listDeliveryRecords } from '../../runtime/aws/delivery-list';
import { createDeliveryStore, RECORD_TTL_DAYS } from '../../runtime/aws/delivery-store';
import type { DeliveryStore } from '../../runtime/delivery';
import { listDeliveriesAws } from '../../runtime/cli/aws/deliveries';
import { useFakeAwsEnv } from './support/aws-env';
import { createDeliveryTable, startDynalite, type Dynalite } from './support/dynalite';

const TABLE = 'records';
let ddb: Dynalite;
let store: DeliveryStore;
let restoreEnv: () => void;

function rec(fn: string, messageId: string, status: DeliveryRecord['status'], updatedAt: string): DeliveryRecord {
  return {
    function: fn, messageId, status, attempts: 1, lastError: status === 'delivered' ? null : { name: 'RetryError', message: 'sink answered 503' },
    durationMs: 12.5, eventType: 'track', eventName: 'Order Completed', result: status === 'delivered' ? '{"ok":true}' : null,
    firstSeenAt: '2025-03-01T10:00:00.000Z', updatedAt,
  };
}

beforeAll(async () => {
  ddb = await startDynalite();
  await createDeliveryTable(ddb.client, TABLE);
  // The adapter builds its own client: AWS_ENDPOINT_URL_DYNAMODB is all it needs to reach dynalite.
  restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint });
  store = createDeliveryStore({ tableName: TABLE });
  await store.put(rec('alpha', 'm1', 'delivered', '2025-03-01T10:00:01.000Z'));
  await store.put(rec('alpha', 'm2', 'failed', '2025-03-01T10:00:03.000Z'));
  await store.put(rec('alpha', 'm3', 'retrying', '2025-03-01T10:00:02.000Z'));
  await store.put(rec('beta', 'm1', 'delivered', '2025-03-01T10:00:04.000Z'));
});

/** What `deliveries --aws` reads with: a Query on the byFunction index. */
function list(fn: string, query?: Parameters<typeof listDeliveryRecords>[3]): Promise<DeliveryRecord[]> {
  return listDeliveryRecords(DynamoDBDocumentClient.from(ddb.client), TABLE, fn, query);
}

afterAll(async () => {
  restoreEnv?.();
  await ddb?.stop();
});

describe('DynamoDB delivery store', () => {
  it('round-trips a record under pk "<function>#<messageId>" with a TTL 30 days after its update', async () => {
    expect(await store.get('alpha', 'm2')).toEqual(rec('alpha', 'm2', 'failed', '2025-03-01T10:00:03.000Z'));
    expect(await store.get('alpha', 'nope')).toBeNull();
    const raw = await DynamoDBDocumentClient.from(ddb.client).send(new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#m2' } }));
    expect(raw.Item?.ttl).toBe(Date.parse('2025-03-01T10:00:03.000Z') / 1000 + RECORD_TTL_DAYS * 86400);
  });

  it("lists one function's records newest first, by status, up to a limit", async () => {
    expect((await list('alpha')).map((r) => r.messageId)).toEqual(['m2', 'm3', 'm1']);
    expect((await list('alpha', { status: 'delivered' })).map((r) => r.messageId)).toEqual(['m1']);
    expect((await list('alpha', { limit: 2 })).map((r) => r.messageId)).toEqual(['m2', 'm3']);
    expect(await list('gamma')).toEqual([]);
  });

  it('keeps paging when a status filter leaves a page short of the limit', async () => {
    for (let i = 0; i < 5; i++) await store.put(rec('paged', `d${i}`, 'delivered', `2025-03-02T00:00:0${i}.000Z`));
    await store.put(rec('paged', 'f0', 'failed', '2025-03-01T00:00:00.000Z'));
    expect((await list('paged', { status: 'failed', limit: 1 })).map((r) => r.messageId)).toEqual(['f0']);
  });

  it('backs `deliveries --aws`: the table comes from the stack outputs', async () => {
    // A deployed function has its outputs (only the queue's is consulted to know it is deployed).
    const beta = { BetaQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/beta' };
    const records = await listDeliveriesAws('beta', {}, { outputs: { TableName: TABLE, ...beta } });
    expect(records).toEqual([rec('beta', 'm1', 'delivered', '2025-03-01T10:00:04.000Z')]);
    await expect(listDeliveriesAws('beta', {}, { outputs: beta })).rejects.toThrow('TableName');
  });
});

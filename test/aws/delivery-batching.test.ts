/**
 * The delivery store's batching against dynalite: get()/put() calls made in the same turn share one
 * BatchGetItem / BatchWriteItem, each caller still gets its own answer, unprocessed keys are sent again, and a
 * bad item or a missing table fails only what it must.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord } from '../../runtime/delivery/record';
import { createDeliveryStore } from '../../runtime/aws/delivery-store';
import { recordFromItem } from '../../runtime/aws/delivery-item';
import type { DeliveryStore } from '../../runtime/delivery';
import { createDeliveryTable, startDynalite, type Dynalite } from './support/dynalite';

const TABLE = 'batched';
let ddb: Dynalite;
let doc: DynamoDBDocumentClient;
let commands: string[];
let store: DeliveryStore;

function rec(messageId: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    function: 'batchy', messageId, status: 'delivered', attempts: 1, lastError: null, durationMs: 3, eventType: 'track',
    eventName: 'Order Completed', result: '{"ok":true}', firstSeenAt: '2025-03-01T10:00:00.000Z', updatedAt: '2025-03-01T10:00:01.000Z',
    ...overrides,
  };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const stored = async (messageId: string) => {
  const item = (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: `batchy#${messageId}` }, ConsistentRead: true }))).Item;
  return item && { ...recordFromItem(item), ttl: item.ttl };
};

beforeAll(async () => {
  ddb = await startDynalite();
  await createDeliveryTable(ddb.client, TABLE);
  doc = DynamoDBDocumentClient.from(ddb.client);
  // A real client to dynalite that also notes the name of every command it sends (the store's own requests).
  const observed = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  observed.middlewareStack.add((next, context) => (args) => { commands.push(String(context.commandName)); return next(args); },
    { step: 'initialize', name: 'noteCommand' });
  store = createDeliveryStore({ tableName: TABLE, client: observed });
});

beforeEach(() => { commands = []; });

afterAll(async () => { await ddb?.stop(); });

describe('delivery store batching (dynalite)', () => {
  it('writes 30 records put in one turn with 2 BatchWriteItem calls (25 + 5) and reads them back with 1 BatchGetItem', async () => {
    const messageIds = ids('w', 30);
    await Promise.all(messageIds.map((id) => store.put(rec(id, { attempts: Number(id.slice(2)) + 1 }))));
    expect(commands).toEqual(['BatchWriteItemCommand', 'BatchWriteItemCommand']);
    for (const id of messageIds) expect(await stored(id)).toMatchObject({ messageId: id, attempts: Number(id.slice(2)) + 1, ttl: expect.any(Number) });

    commands = [];
    const wanted = [...messageIds, 'never-seen', 'w-3']; // a missing key, and one asked twice
    const got = await Promise.all(wanted.map((id) => store.get('batchy', id)));
    expect(commands).toEqual(['BatchGetItemCommand']);
    expect(got.map((r) => r?.messageId ?? null)).toEqual([...messageIds, null, 'w-3']);
    expect(got[7]).toEqual(rec('w-7', { attempts: 8 }));
  });

  it('keeps the last of two puts of one key in the same turn; calls in different turns are separate requests', async () => {
    await Promise.all([store.put(rec('twice', { status: 'retrying', attempts: 1 })), store.put(rec('twice', { status: 'delivered', attempts: 2 }))]);
    expect(await stored('twice')).toMatchObject({ status: 'delivered', attempts: 2 });

    commands = [];
    await store.get('batchy', 'twice');
    await store.get('batchy', 'twice');
    expect(commands).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand']);
  });

  it('sends again the keys DynamoDB left unprocessed (BatchGetItem answers at most about 1 MB)', async () => {
    const big = ids('big', 100);
    const result = 'x'.repeat(20_000);
    await Promise.all(big.map((id) => store.put(rec(id, { result }))));
    // Precondition, checked on dynalite itself: one request for these 100 keys leaves some unprocessed.
    const raw = await doc.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: big.map((id) => ({ pk: `batchy#${id}` })) } } }));
    expect(raw.UnprocessedKeys?.[TABLE]?.Keys?.length).toBeGreaterThan(0);

    commands = [];
    const got = await Promise.all(big.map((id) => store.get('batchy', id)));
    expect(got.map((r) => r?.messageId)).toEqual(big);
    expect(got.every((r) => r?.result === result)).toBe(true);
    expect(commands.length).toBeGreaterThan(1);
    expect(commands.every((c) => c === 'BatchGetItemCommand')).toBe(true);
  });

  it('fails only the item DynamoDB refuses (a key over 2 KB), not the others of its batch', async () => {
    const tooLong = 'L'.repeat(2100);
    const puts = await Promise.allSettled([store.put(rec('ok-1')), store.put(rec(tooLong)), store.put(rec('ok-2'))]);
    expect(puts.map((p) => p.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((puts[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'ValidationException' });
    expect(await stored('ok-1')).toBeDefined();
    expect(await stored('ok-2')).toBeDefined();

    const gets = await Promise.allSettled([store.get('batchy', 'ok-1'), store.get('batchy', tooLong), store.get('batchy', 'nope')]);
    expect(gets.map((g) => g.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((gets[0] as PromiseFulfilledResult<DeliveryRecord | null>).value?.messageId).toBe('ok-1');
    expect((gets[2] as PromiseFulfilledResult<DeliveryRecord | null>).value).toBeNull();
  });

  it('rejects every call of a batch sent to a table that does not exist', async () => {
    const missing = createDeliveryStore({ tableName: 'no-such-table', client: doc });
    const puts = await Promise.allSettled([missing.put(rec('a')), missing.put(rec('b'))]);
    const gets = await Promise.allSettled([missing.get('batchy', 'a'), missing.get('batchy', 'b')]);
    for (const settled of [...puts, ...gets]) {
      expect(settled).toMatchObject({ status: 'rejected', reason: { name: 'ResourceNotFoundException' } });
    }
  });
});

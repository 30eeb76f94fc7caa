/**
 * Delivery records in dynalite: the adapter the destination Lambda writes with and `deliveries --aws` reads with
 * (the command itself, with the stack found through CloudFormation, is test/cli/aws/cli-aws.test.ts).
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord } from '../../runtime/delivery/record';
import { listDeliveryRecords } from '../../runtime/aws/delivery-list';
import { pageItem } from '../../runtime/aws/delivery-item';
import { createDeliveryStore, DEDUPE_TTL_SECONDS, RECORD_TTL_DAYS, type AwsDeliveryStore } from '../../runtime/aws/delivery-store';
import { useFakeAwsEnv } from './support/aws-env';
import { createDeliveryTable, startDynalite, type Dynalite } from './support/dynalite';

const TABLE = 'records';
let ddb: Dynalite;
let doc: DynamoDBDocumentClient;
let store: AwsDeliveryStore;
let restoreEnv: () => void;

function rec(fn: string, messageId: string, status: DeliveryRecord['status'], updatedAt: string): DeliveryRecord {
  return {
    function: fn, messageId, status, attempts: 1, lastError: status === 'delivered' ? null : { name: 'RetryError', message: 'sink answered 503' },
    durationMs: 12.5, eventType: 'track', eventName: 'Order Completed', result: status === 'delivered' ? '{"ok":true}' : null,
    firstSeenAt: '2025-03-01T10:00:00.000Z', updatedAt,
  };
}

const raw = async (pk: string) => (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk } }))).Item;
const at = (second: number) => `2025-03-05T00:00:${String(second).padStart(2, '0')}.000Z`;

beforeAll(async () => {
  ddb = await startDynalite();
  await createDeliveryTable(ddb.client, TABLE);
  doc = DynamoDBDocumentClient.from(ddb.client);
  // The adapter builds its own client: AWS_ENDPOINT_URL_DYNAMODB is all it needs to reach dynalite.
  restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint });
  store = createDeliveryStore({ tableName: TABLE });
  await store.put(rec('alpha', 'm1', 'delivered', '2025-03-01T10:00:01.000Z'));
  await store.put(rec('alpha', 'm2', 'failed', '2025-03-01T10:00:03.000Z'));
  await store.put(rec('alpha', 'm3', 'retrying', '2025-03-01T10:00:02.000Z'));
  await store.put(rec('beta', 'm1', 'delivered', '2025-03-01T10:00:04.000Z'));
  await store.flushHistory();
});

/** What `deliveries --aws` reads with: Queries on the byFunction and pagesByFunction indexes, BatchGetItem of pages. */
function list(fn: string, query?: Parameters<typeof listDeliveryRecords>[3]): Promise<DeliveryRecord[]> {
  return listDeliveryRecords(doc, TABLE, fn, query);
}

afterAll(async () => {
  restoreEnv?.();
  await ddb?.stop();
});

describe('DynamoDB delivery store', () => {
  it('round-trips a record under pk "<function>#<messageId>"; retrying and failed ones are kept 30 days, others past the dedupe window', async () => {
    expect(await store.get('alpha', 'm2')).toEqual(rec('alpha', 'm2', 'failed', '2025-03-01T10:00:03.000Z'));
    expect(await store.get('alpha', 'm1')).toEqual(rec('alpha', 'm1', 'delivered', '2025-03-01T10:00:01.000Z'));
    expect(await store.get('alpha', 'nope')).toBeNull();
    expect((await raw('alpha#m2'))?.ttl).toBe(Date.parse('2025-03-01T10:00:03.000Z') / 1000 + RECORD_TTL_DAYS * 86400);
    expect((await raw('alpha#m1'))?.ttl).toBe(Date.parse('2025-03-01T10:00:01.000Z') / 1000 + DEDUPE_TTL_SECONDS);
    expect(DEDUPE_TTL_SECONDS).toBeGreaterThan(24 * 3600);
  });

  it('keeps any field a record gains (e.g. a code version) without a change here', async () => {
    const extended = { ...rec('alpha', 'm-ext', 'delivered', at(1)), codeVersion: 'v7', instance: 'eu' } as DeliveryRecord;
    await store.put(extended);
    await store.flushHistory();
    expect(await store.get('alpha', 'm-ext')).toEqual(extended);
    expect((await list('alpha')).find((r) => r.messageId === 'm-ext')).toEqual(extended);
  });

  it('indexes only retrying and failed event items in byFunction, and one history page per flush, keys only, in pagesByFunction', async () => {
    const query = (index: string, key: string, value: string) => doc.send(new QueryCommand({
      TableName: TABLE, IndexName: index, KeyConditionExpression: '#k = :v', ExpressionAttributeNames: { '#k': key }, ExpressionAttributeValues: { ':v': value },
    }));
    expect((await query('byFunction', 'function', 'beta')).Items).toEqual([]); // beta's only record is delivered: no index write
    expect((await query('byFunction', 'function', 'beta#history')).Items).toEqual([]); // where pages went before pagesByFunction
    const pages = (await query('pagesByFunction', 'hfn', 'beta')).Items ?? [];
    expect(pages).toEqual([{ pk: expect.stringMatching(/^beta#~page#/), hfn: 'beta', hat: '2025-03-01T10:00:04.000Z' }]);
    expect(Object.keys((await raw(String(pages[0].pk))) ?? {}).sort()).toEqual(['h', 'hat', 'hfn', 'pk', 'ttl']);
  });

  it("lists one function's records newest first, by status, up to a limit", async () => {
    expect((await list('alpha')).map((r) => r.messageId).filter((id) => id !== 'm-ext')).toEqual(['m2', 'm3', 'm1']);
    expect((await list('alpha', { status: 'delivered' })).map((r) => r.messageId)).toEqual(['m-ext', 'm1']);
    expect((await list('alpha', { status: 'failed' })).map((r) => r.messageId)).toEqual(['m2']);
    expect((await list('alpha', { limit: 2 })).map((r) => r.messageId)).toEqual(['m-ext', 'm2']);
    expect(await list('gamma')).toEqual([]);
  });

  it("lists a message once, in its latest state: a retry that got through leaves the failure listing", async () => {
    const s = createDeliveryStore({ tableName: TABLE });
    await s.put({ ...rec('late', 'x', 'retrying', at(10)), attempts: 1 });
    await s.flushHistory();
    expect((await list('late', { status: 'retrying' })).map((r) => r.messageId)).toEqual(['x']);
    await s.put({ ...rec('late', 'x', 'delivered', at(20)), attempts: 2 });
    await s.flushHistory();
    expect(await list('late', { status: 'retrying' })).toEqual([]);
    expect(await list('late')).toEqual([{ ...rec('late', 'x', 'delivered', at(20)), attempts: 2 }]);
  });

  it('stops reading pages once no page left can hold a newer record, and merges pages whose times overlap', async () => {
    const s = createDeliveryStore({ tableName: TABLE });
    // 30 pages of 5 records; page p holds seconds 10p+1 … 10p+5 but page 29 also an old record (second 0).
    for (let p = 0; p < 30; p++) {
      for (let i = 1; i <= 5; i++) await s.put(rec('paged', `p${p}-${i}`, 'delivered', new Date(Date.parse(at(0)) + (10 * p + i) * 1000).toISOString()));
      if (p === 29) await s.put(rec('paged', 'old', 'delivered', at(0)));
      await s.flushHistory();
    }
    const calls: Array<{ command: string; input: Record<string, unknown> }> = [];
    const counting = DynamoDBDocumentClient.from(ddb.client);
    counting.middlewareStack.add((next, context) => async (args) => {
      calls.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    }, { step: 'initialize', name: 'countCalls' });
    const newest = await listDeliveryRecords(counting, TABLE, 'paged', { limit: 7 });
    expect(newest.map((r) => r.messageId)).toEqual(['p29-5', 'p29-4', 'p29-3', 'p29-2', 'p29-1', 'p28-5', 'p28-4']);
    const pagesRead = calls.filter((c) => c.command === 'BatchGetItemCommand')
      .reduce((sum, c) => sum + Object.values(c.input.RequestItems as Record<string, { Keys: unknown[] }>)[0].Keys.length, 0);
    expect(calls.filter((c) => c.command === 'QueryCommand')).toHaveLength(3); // one per partition
    expect(pagesRead).toBe(3); // of 30: page 29, then 28 with 27 (whose index key ended the listing)

    const all = await list('paged', { limit: 1000 });
    expect(all).toHaveLength(151);
    expect(all[150].messageId).toBe('old'); // in the newest page, listed at its own time
  });

  it('lists pages written before pagesByFunction (whole in byFunction under "<fn>#history") with the new ones, newest first', async () => {
    const s = createDeliveryStore({ tableName: TABLE });
    const { hfn: _fn, hat, ...page } = pageItem('mixed', 'before', [1, 3, 5].map((sec) => rec('mixed', `old-${sec}`, 'delivered', at(sec))), 2e9);
    await doc.send(new PutCommand({ TableName: TABLE, Item: { ...page, function: 'mixed#history', updatedAt: hat } }));
    for (const sec of [2, 4, 6]) await s.put(rec('mixed', `new-${sec}`, 'delivered', at(sec)));
    await s.put({ ...rec('mixed', 'old-3', 'delivered', at(7)), attempts: 2 }); // a later record of a message of the old page
    await s.flushHistory();
    expect((await list('mixed')).map((r) => [r.messageId, r.updatedAt.slice(17, 19)])).toEqual([
      ['old-3', '07'], ['new-6', '06'], ['old-5', '05'], ['new-4', '04'], ['new-2', '02'], ['old-1', '01'],
    ]);
    expect((await list('mixed', { limit: 2 })).map((r) => r.messageId)).toEqual(['old-3', 'new-6']);
  });

  it('reads items written before the paged layout (record fields as attributes, indexed by function)', async () => {
    const legacy = rec('legacy', 'old-1', 'delivered', at(30));
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'legacy#old-1', ...legacy, ttl: 1 } }));
    expect(await store.get('legacy', 'old-1')).toEqual(legacy);
    expect(await list('legacy')).toEqual([legacy]);
    expect(await list('legacy', { status: 'delivered' })).toEqual([legacy]);
  });

  it('writes items of about 300 bytes: one write unit per event, a fraction of one per event for the pages', async () => {
    const items = ((await doc.send(new ScanCommand({ TableName: TABLE }))).Items ?? []);
    const size = (item: Record<string, unknown>) => Object.entries(item).reduce((sum, [name, value]) =>
      sum + name.length + (value instanceof Uint8Array ? value.length : typeof value === 'number' ? 8 : String(value).length), 0);
    const events = items.filter((i) => !String(i.pk).includes('~page#'));
    const pages = items.filter((i) => String(i.pk).startsWith('paged#~page#'));
    expect(Math.max(...events.filter((i) => i.r).map(size))).toBeLessThan(1024);
    expect(pages.length).toBe(30);
    expect(Math.max(...pages.map(size))).toBeLessThan(1024); // 5 records (6 in one) in < 1 KB gzipped
  });
});

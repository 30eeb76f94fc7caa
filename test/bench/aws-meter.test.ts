/**
 * The bench's DynamoDB meter (bench/support/aws-meter.ts): the write units it computes for each global secondary
 * index, which dynalite does not report, by DynamoDB's rules; then through the proxy, with the destination
 * Lambda's own store writing to dynalite.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexWriteUnits, startDynamoMeter, type IndexSpec, type Meter, type DynamoCounts } from '../../bench/support/aws-meter';
import { BY_FUNCTION_INDEX, DELIVERY_INDEXES, PAGES_INDEX } from '../../runtime/aws/contract';
import { createDeliveryStore } from '../../runtime/aws/delivery-store';
import type { DeliveryRecord } from '../../runtime/delivery';
import { createDeliveryTable, startDynalite, type Dynalite } from '../aws/support/dynalite';

const ALL: IndexSpec = { name: 'all', partition: 'g', sort: 's', projection: 'ALL' };
const KEYS: IndexSpec = { name: 'keys', partition: 'g', sort: 's', projection: 'KEYS_ONLY' };
const item = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { S: v }]));

describe('indexWriteUnits', () => {
  const big = 'x'.repeat(3000);

  it('an item without the index keys costs nothing, and removing its entry costs 1', () => {
    expect(indexWriteUnits(ALL, null, item({ pk: 'a', body: big }))).toEqual({ units: 0, entry: null });
    const { entry } = indexWriteUnits(ALL, null, item({ pk: 'a', g: 'f', s: '1' }));
    expect(indexWriteUnits(ALL, entry, item({ pk: 'a', body: big }))).toEqual({ units: 1, entry: null });
  });

  it('ALL projects the whole item (1 WRU per KB); KEYS_ONLY the table key and the index keys (1 WRU)', () => {
    expect(indexWriteUnits(ALL, null, item({ pk: 'a', g: 'f', s: '1', body: big })).units).toBe(3);
    expect(indexWriteUnits(KEYS, null, item({ pk: 'a', g: 'f', s: '1', body: big })).units).toBe(1);
  });

  it('a changed index key is a delete and a put; a change of no projected attribute costs nothing', () => {
    const first = indexWriteUnits(KEYS, null, item({ pk: 'a', g: 'f', s: '1', body: big })).entry;
    expect(indexWriteUnits(KEYS, first, item({ pk: 'a', g: 'f', s: '2', body: big })).units).toBe(2);
    expect(indexWriteUnits(KEYS, first, item({ pk: 'a', g: 'f', s: '1', body: 'changed' })).units).toBe(0);
    const whole = indexWriteUnits(ALL, null, item({ pk: 'a', g: 'f', s: '1', body: big })).entry;
    expect(indexWriteUnits(ALL, whole, item({ pk: 'a', g: 'f', s: '1', body: `${big}!` })).units).toBe(3);
    expect(indexWriteUnits(ALL, whole, item({ s: '1', body: big, g: 'f', pk: 'a' })).units).toBe(0); // same item
  });
});

describe('the meter in front of dynalite, written to by the delivery store', () => {
  let ddb: Dynalite;
  let meter: Meter<DynamoCounts>;
  let client: DynamoDBClient;

  beforeAll(async () => {
    ddb = await startDynalite();
    meter = await startDynamoMeter(Number(new URL(ddb.endpoint).port), DELIVERY_INDEXES);
    client = new DynamoDBClient({ endpoint: meter.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await createDeliveryTable(client, 'records');
  });

  afterAll(async () => {
    client?.destroy();
    await meter?.close();
    await ddb?.stop();
  });

  const rec = (messageId: string, status: DeliveryRecord['status'], second: number): DeliveryRecord => ({
    function: 'fn', messageId, status, attempts: 1, lastError: null, durationMs: 3, eventType: 'track', eventName: 'Order Completed',
    result: null, firstSeenAt: '2026-11-30T00:00:00.000Z', updatedAt: `2026-11-30T00:00:${String(second).padStart(2, '0')}.000Z`,
  });

  it('a page of 100 records costs ~4 WRU in the table and 1 in pagesByFunction; a failed item 1 in byFunction, 1 more when it leaves', async () => {
    const store = createDeliveryStore({ tableName: 'records', client: DynamoDBDocumentClient.from(client) });
    meter.reset();
    for (let i = 0; i < 99; i++) await store.put({ ...rec(randomUUID(), 'delivered', 1), result: '{"ok":true}' });
    await store.put(rec('bad', 'failed', 2));
    const eventWrites = meter.counts.wru;
    expect(eventWrites).toBe(100);
    expect(Object.fromEntries(meter.counts.indexWru)).toEqual({ [BY_FUNCTION_INDEX.name]: 1, [PAGES_INDEX.name]: 0 });

    await store.flushHistory();
    expect(meter.counts.wru - eventWrites).toBeGreaterThanOrEqual(3); // the gzipped page, ~3-4 KB
    expect(Object.fromEntries(meter.counts.indexWru)).toEqual({ [BY_FUNCTION_INDEX.name]: 1, [PAGES_INDEX.name]: 1 });

    await store.put(rec('bad', 'delivered', 3)); // a retry got through: the item leaves the sparse index
    expect(Object.fromEntries(meter.counts.indexWru)).toEqual({ [BY_FUNCTION_INDEX.name]: 2, [PAGES_INDEX.name]: 1 });
  });
});

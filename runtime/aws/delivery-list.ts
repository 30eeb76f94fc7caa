/**
 * A function's delivery records from DynamoDB, newest first, for `destfn deliveries <fn> --aws`: Queries on the
 * GSI "byFunction" (function, updatedAt). Layout: delivery-item.ts. `--status retrying|failed` reads the
 * function's indexed event items (each the latest state of its message); any other listing merges those with
 * the history pages, newest first, keeping each messageId's newest record, and stops as soon as no item still
 * to read can hold a record newer than the last one listed.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_LIST_LIMIT, type DeliveryQuery, type DeliveryRecord } from '../delivery';
import { BY_FUNCTION_INDEX } from './contract';
import { failurePartition, historyPartition, isIndexedStatus, recordsOfItem, type Item } from './delivery-item';

export async function listDeliveryRecords(
  client: DynamoDBDocumentClient, tableName: string, fn: string, query: DeliveryQuery = {},
): Promise<DeliveryRecord[]> {
  const limit = query.limit ?? DEFAULT_LIST_LIMIT;
  const partitions = query.status && isIndexedStatus(query.status)
    ? [failurePartition(fn)]
    : [failurePartition(fn), historyPartition(fn)];
  const streams = partitions.map((partition) => indexItems(client, tableName, partition, Math.min(limit, 100)));
  const heads = await Promise.all(streams.map((s) => s.next()));
  const latest = new Map<string, DeliveryRecord>();
  const matches = (r: DeliveryRecord) => !query.status || r.status === query.status;
  let matching = 0;

  for (;;) {
    let pick = -1;
    heads.forEach((head, i) => {
      if (!head.done && (pick === -1 || sortKey(head.value) > sortKey(heads[pick].value as Item))) pick = i;
    });
    if (pick === -1) break;
    const item = heads[pick].value as Item;
    // No record of this item or a later one is newer than its sort key: stop once `limit` newer ones are listed.
    if (matching >= limit) {
      const listed = [...latest.values()].filter(matches).map((r) => r.updatedAt).sort().reverse();
      if (sortKey(item) < listed[limit - 1]) break;
    }
    for (const record of recordsOfItem(item, fn)) {
      const known = latest.get(record.messageId);
      if (known && record.updatedAt <= known.updatedAt) continue;
      matching += (matches(record) ? 1 : 0) - (known && matches(known) ? 1 : 0);
      latest.set(record.messageId, record);
    }
    heads[pick] = await streams[pick].next();
  }
  return [...latest.values()].filter(matches).sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0)).slice(0, limit);
}

function sortKey(item: Item): string {
  return String(item.updatedAt);
}

/** The items of one index partition, newest first, a page of `pageSize` per Query. */
async function* indexItems(client: DynamoDBDocumentClient, tableName: string, partition: string, pageSize: number): AsyncGenerator<Item> {
  const input: QueryCommandInput = {
    TableName: tableName,
    IndexName: BY_FUNCTION_INDEX,
    KeyConditionExpression: '#fn = :fn',
    ExpressionAttributeNames: { '#fn': 'function' },
    ExpressionAttributeValues: { ':fn': partition },
    ScanIndexForward: false,
    Limit: pageSize,
  };
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) yield item;
    start = out.LastEvaluatedKey;
  } while (start);
}

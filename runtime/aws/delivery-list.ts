/**
 * A function's delivery records from DynamoDB, newest first, for `destfn deliveries <fn> --aws` (layout:
 * delivery-item.ts). `--status retrying|failed` reads the function's event items in BY_FUNCTION_INDEX (each the
 * latest state of its message); any other listing merges those with the history pages (their keys from
 * PAGES_INDEX, then the pages by BatchGetItem; and the pages written before that index, whole in
 * BY_FUNCTION_INDEX), newest first, keeping each messageId's newest record, and stops as soon as no item still to
 * read can hold a record newer than the last one listed.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_LIST_LIMIT, type DeliveryQuery, type DeliveryRecord } from '../delivery';
import { BATCH_GET_MAX_KEYS, batchGetByPk } from './batch-get';
import { BY_FUNCTION_INDEX, PAGES_INDEX, type DeliveryIndex } from './contract';
import { failurePartition, indexedAt, isIndexedStatus, legacyHistoryPartition, pagesPartition, recordsOfItem, type Item } from './delivery-item';

/** Index entries a Query asks for; the pages are read as the listing reaches them. */
const QUERY_LIMIT = 100;

/** One item of an index partition as the listing merges them: its index sort key, and its records when needed. */
interface Listed { at: string; records(): Promise<DeliveryRecord[]> }

export async function listDeliveryRecords(
  client: DynamoDBDocumentClient, tableName: string, fn: string, query: DeliveryQuery = {},
): Promise<DeliveryRecord[]> {
  const limit = query.limit ?? DEFAULT_LIST_LIMIT;
  const querySize = Math.min(limit, QUERY_LIMIT);
  const whole = (partition: string) => wholeItems(client, tableName, partition, querySize, fn);
  const streams = query.status && isIndexedStatus(query.status)
    ? [whole(failurePartition(fn))]
    : [whole(failurePartition(fn)), historyPages(client, tableName, fn), whole(legacyHistoryPartition(fn))];
  const heads = await Promise.all(streams.map((s) => s.next()));
  const latest = new Map<string, DeliveryRecord>();
  const matches = (r: DeliveryRecord) => !query.status || r.status === query.status;
  let matching = 0;

  for (;;) {
    let pick = -1;
    heads.forEach((head, i) => {
      if (!head.done && (pick === -1 || head.value.at > (heads[pick].value as Listed).at)) pick = i;
    });
    if (pick === -1) break;
    const item = heads[pick].value as Listed;
    // No record of this item or a later one is newer than its sort key: stop once `limit` newer ones are listed.
    if (matching >= limit) {
      const listed = [...latest.values()].filter(matches).map((r) => r.updatedAt).sort().reverse();
      if (item.at < listed[limit - 1]) break;
    }
    for (const record of await item.records()) {
      const known = latest.get(record.messageId);
      if (known && record.updatedAt <= known.updatedAt) continue;
      matching += (matches(record) ? 1 : 0) - (known && matches(known) ? 1 : 0);
      latest.set(record.messageId, record);
    }
    heads[pick] = await streams[pick].next();
  }
  return [...latest.values()].filter(matches).sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0)).slice(0, limit);
}

/** The items BY_FUNCTION_INDEX holds whole in one partition (event items, or pages written before PAGES_INDEX). */
async function* wholeItems(client: DynamoDBDocumentClient, tableName: string, partition: string, size: number, fn: string): AsyncGenerator<Listed> {
  for await (const items of indexQueries(client, tableName, BY_FUNCTION_INDEX, partition, size)) {
    for (const item of items) yield { at: indexedAt(item), records: async () => recordsOfItem(item, fn) };
  }
}

/**
 * A function's history pages, newest first: their keys from PAGES_INDEX; a page is read (BatchGetItem) when the
 * listing reaches it, with the next ones of its Query, twice as many each time (most listings need 1 to 3 pages).
 */
async function* historyPages(client: DynamoDBDocumentClient, tableName: string, fn: string): AsyncGenerator<Listed> {
  let batch = 1;
  for await (const entries of indexQueries(client, tableName, PAGES_INDEX, pagesPartition(fn), QUERY_LIMIT)) {
    const pks = entries.map((entry) => String(entry.pk));
    const read = new Map<string, Item | null>();
    const readFrom = async (i: number) => {
      const keys = pks.slice(i, i + batch);
      batch = Math.min(batch * 2, BATCH_GET_MAX_KEYS);
      const pages = await batchGetByPk(client, tableName, keys);
      pages.forEach((page, j) => {
        if (!page.ok) throw page.error;
        read.set(keys[j], page.value); // null: expired between the Query and the read
      });
    };
    for (const [i, entry] of entries.entries()) {
      yield {
        at: indexedAt(entry),
        records: async () => {
          if (!read.has(pks[i])) await readFrom(i);
          const page = read.get(pks[i]);
          return page ? recordsOfItem(page, fn) : [];
        },
      };
    }
  }
}

/** The items of one index partition, newest first, one array per Query of `size` items. */
async function* indexQueries(
  client: DynamoDBDocumentClient, tableName: string, index: DeliveryIndex, partition: string, size: number,
): AsyncGenerator<Item[]> {
  const input: QueryCommandInput = {
    TableName: tableName,
    IndexName: index.name,
    KeyConditionExpression: '#p = :p',
    ExpressionAttributeNames: { '#p': index.partition },
    ExpressionAttributeValues: { ':p': partition },
    ScanIndexForward: false,
    Limit: size,
  };
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    if (out.Items?.length) yield out.Items;
    start = out.LastEvaluatedKey;
  } while (start);
}

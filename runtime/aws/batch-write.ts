/**
 * Puts into a table keyed by a string `pk` (the delivery table), many at once: one BatchWriteItem per call
 * (at most BATCH_WRITE_MAX_ITEMS items), items DynamoDB left unprocessed sent again. Asks for the consumed
 * capacity like batch-get.ts.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Item } from './delivery-item';
import type { CallResult } from '../batching/coalesce';
import { retryUnprocessed, UNPROCESSED_ATTEMPTS } from './unprocessed-retry';

export const BATCH_WRITE_MAX_ITEMS = 25;

/** One result per item, aligned: written, or an error for an item never processed. */
export async function batchPutByPk(client: DynamoDBDocumentClient, tableName: string, items: Item[]): Promise<CallResult<void>[]> {
  // A request naming a key twice is rejected by DynamoDB. The last put of a key wins, as it would have sent one by one.
  const latest = new Map<string, Item>();
  for (const item of items) latest.set(String(item.pk), item);
  const left = new Set(await retryUnprocessed([...latest.keys()], async (pks) => {
    const out = await client.send(new BatchWriteCommand({
      RequestItems: { [tableName]: pks.map((pk) => ({ PutRequest: { Item: latest.get(pk)! } })) },
      ReturnConsumedCapacity: 'INDEXES',
    }));
    return (out.UnprocessedItems?.[tableName] ?? []).map((request) => String(request.PutRequest?.Item?.pk)).filter((pk) => latest.has(pk));
  }));
  return items.map((item): CallResult<void> => left.has(String(item.pk))
    ? { ok: false, error: new Error(`DynamoDB left item ${String(item.pk)} unprocessed after ${UNPROCESSED_ATTEMPTS} attempts`) }
    : { ok: true, value: undefined });
}

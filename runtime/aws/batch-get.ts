/**
 * Items of a table keyed by a string `pk` (the delivery table), many at once: one BatchGetItem per call (at most
 * BATCH_GET_MAX_KEYS keys), keys DynamoDB left unprocessed sent again. Each request asks for its consumed
 * capacity (free; bench/aws-path.ts reads it from the responses).
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallResult } from '../batching/coalesce';
import { retryUnprocessed, UNPROCESSED_ATTEMPTS } from './unprocessed-retry';
import type { Item } from './delivery-item';

export const BATCH_GET_MAX_KEYS = 100;

/** One result per key of `pks`, aligned: the item, null when there is none, or an error for a key never processed. */
export async function batchGetByPk(
  client: DynamoDBDocumentClient, tableName: string, pks: string[], options: { consistent?: boolean } = {},
): Promise<CallResult<Item | null>[]> {
  const found = new Map<string, Item>();
  // A request naming a key twice is rejected by DynamoDB; callers asking for the same key share its answer.
  const wanted = new Set(pks);
  const left = new Set(await retryUnprocessed([...wanted], async (keys) => {
    const out = await client.send(new BatchGetCommand({
      RequestItems: { [tableName]: { Keys: keys.map((pk) => ({ pk })), ConsistentRead: options.consistent ?? true } },
      ReturnConsumedCapacity: 'INDEXES',
    }));
    for (const item of out.Responses?.[tableName] ?? []) found.set(String(item.pk), item);
    return (out.UnprocessedKeys?.[tableName]?.Keys ?? []).map((key) => String(key.pk)).filter((pk) => wanted.has(pk));
  }));
  return pks.map((pk): CallResult<Item | null> => left.has(pk)
    ? { ok: false, error: new Error(`DynamoDB left key ${pk} unprocessed after ${UNPROCESSED_ATTEMPTS} attempts`) }
    : { ok: true, value: found.get(pk) ?? null });
}

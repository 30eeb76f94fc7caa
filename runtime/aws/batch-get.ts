/**
 * Items of a table keyed by a string `pk` (the delivery table), many at once: one strongly consistent
 * BatchGetItem per call (at most BATCH_GET_MAX_KEYS keys), keys DynamoDB left unprocessed sent again.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallResult } from '../batching/coalesce';
import { retryUnprocessed, UNPROCESSED_ATTEMPTS } from './unprocessed-retry';

export const BATCH_GET_MAX_KEYS = 100;

export type Item = Record<string, unknown>;

/** One result per key of `pks`, aligned: the item, null when there is none, or an error for a key never processed. */
export async function batchGetByPk(client: DynamoDBDocumentClient, tableName: string, pks: string[]): Promise<CallResult<Item | null>[]> {
  const found = new Map<string, Item>();
  // A request naming a key twice is rejected by DynamoDB; callers asking for the same key share its answer.
  const wanted = new Set(pks);
  const left = new Set(await retryUnprocessed([...wanted], async (keys) => {
    const out = await client.send(new BatchGetCommand({
      RequestItems: { [tableName]: { Keys: keys.map((pk) => ({ pk })), ConsistentRead: true } },
    }));
    for (const item of out.Responses?.[tableName] ?? []) found.set(String(item.pk), item);
    return (out.UnprocessedKeys?.[tableName]?.Keys ?? []).map((key) => String(key.pk)).filter((pk) => wanted.has(pk));
  }));
  return pks.map((pk): CallResult<Item | null> => left.has(pk)
    ? { ok: false, error: new Error(`DynamoDB left key ${pk} unprocessed after ${UNPROCESSED_ATTEMPTS} attempts`) }
    : { ok: true, value: found.get(pk) ?? null });
}

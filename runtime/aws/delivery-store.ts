/**
 * Delivery records in DynamoDB (lib-dynamodb), as the destination Lambda reads and writes them: one item per
 * function × messageId, pk "<function>#<messageId>", `ttl` in epoch seconds. get() and put() calls made in
 * the same event-loop turn (the records of one SQS batch) share one BatchGetItem / BatchWriteItem: each still
 * resolves or rejects on its own. Listing a function's records (`deliveries --aws`) is delivery-list.ts, so
 * the Lambda's bundle holds no Query its role would have to allow.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BATCH_GET_MAX_KEYS, batchGetByPk, type Item } from './batch-get';
import { BATCH_WRITE_MAX_ITEMS, batchPutByPk } from './batch-write';
import { coalesce } from '../batching/coalesce';
import { recordKey } from './contract';
import type { DeliveryRecord, DeliveryStatus, OutcomeError, DeliveryStore } from '../delivery';

/** Records outlive the 24 h dedupe window so `destfn deliveries --aws` shows a month of history. */
export const RECORD_TTL_DAYS = 30;

export interface DeliveryStoreOptions {
  tableName: string;
  client?: DynamoDBDocumentClient;
  ttlDays?: number;
}

export function createDeliveryStore(options: DeliveryStoreOptions): DeliveryStore {
  const client = options.client ?? DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const TableName = options.tableName;
  const ttlSeconds = (options.ttlDays ?? RECORD_TTL_DAYS) * 24 * 60 * 60;

  // Strongly consistent reads: the dedupe check must see a delivery recorded a moment ago.
  const getItem = coalesce<string, Item | null>({
    maxBatch: BATCH_GET_MAX_KEYS, run: (pks) => batchGetByPk(client, TableName, pks), isolate: isValidationError,
  });
  const putItem = coalesce<Item, void>({
    maxBatch: BATCH_WRITE_MAX_ITEMS, run: (items) => batchPutByPk(client, TableName, items), isolate: isValidationError,
  });

  return {
    async get(fn, messageId) {
      const item = await getItem(recordKey(fn, messageId));
      return item ? recordFromItem(item) : null;
    },

    async put(record) {
      const ttl = Math.floor(Date.parse(record.updatedAt) / 1000) + ttlSeconds;
      await putItem({ pk: recordKey(record.function, record.messageId), ...record, ttl });
    },
  };
}

/** DynamoDB refused the request's content (e.g. a key over 2 KB): one item may be at fault, not the whole batch. */
function isValidationError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ValidationException';
}

/** A DynamoDB item back to the record it was written from. */
export function recordFromItem(item: Record<string, unknown>): DeliveryRecord {
  return {
    function: String(item.function),
    messageId: String(item.messageId),
    status: item.status as DeliveryStatus,
    attempts: Number(item.attempts ?? 0),
    lastError: (item.lastError as OutcomeError | null | undefined) ?? null,
    durationMs: typeof item.durationMs === 'number' ? item.durationMs : null,
    eventType: String(item.eventType ?? ''),
    eventName: typeof item.eventName === 'string' ? item.eventName : null,
    result: typeof item.result === 'string' ? item.result : null,
    firstSeenAt: String(item.firstSeenAt),
    updatedAt: String(item.updatedAt),
  };
}

/**
 * Delivery records in DynamoDB (lib-dynamodb), as the destination Lambda reads and writes them (layout:
 * delivery-item.ts). get() and put() calls made in the same event-loop turn (the records of one SQS batch)
 * share one BatchGetItem / BatchWriteItem: each still resolves or rejects on its own. The records put since the
 * last flushHistory() are written as history pages, once per invocation. Listing a function's records
 * (`deliveries --aws`) is delivery-list.ts, so the Lambda's bundle holds no Query its role would have to allow.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BATCH_GET_MAX_KEYS, batchGetByPk } from './batch-get';
import { BATCH_WRITE_MAX_ITEMS, batchPutByPk } from './batch-write';
import { coalesce } from '../batching/coalesce';
import { recordKey } from './contract';
import { entryFromItem, eventItem, isIndexedStatus, pageItem, type EventEntry, type Item } from './delivery-item';
import { DEDUPE_WINDOW_MS, type DeliveryRecord, type DeliveryStore } from '../delivery';

/** History pages and retrying/failed records outlive the 24 h dedupe window: `destfn deliveries --aws` shows a month. */
export const RECORD_TTL_DAYS = 30;
/** Delivered and discarded event items only serve the dedupe check (their history is in the pages). */
export const DEDUPE_TTL_SECONDS = DEDUPE_WINDOW_MS / 1000 + 24 * 60 * 60;
/** Records per history page: a page of records with 1 KB results stays far below DynamoDB's 400 KB item limit. */
export const HISTORY_PAGE_RECORDS = 200;

export interface DeliveryStoreOptions {
  tableName: string;
  client?: DynamoDBDocumentClient;
  ttlDays?: number;
  /**
   * Strongly consistent dedupe reads (1 RRU instead of 0.5). Eventually consistent reads see a record written
   * about a second before; copies of one messageId in one batch are serialized by the handler either way.
   */
  consistentReads?: boolean;
  /**
   * How long a record waits for others to share its BatchWriteItem (coalesce.ts lingerMs) unless flushWrites()
   * comes first; default 0: the writes of one event-loop turn. The destination handler uses PUT_LINGER_MS.
   */
  putLingerMs?: number;
}

/**
 * The destination handler's wait: records written within this time share a BatchWriteItem (up to 25). Each call costs the Lambda 1–3 ms of CPU
 * (the SDK, signing, a request); without the wait, a batch's 100 records went out in about 20 calls. The wait
 * holds no delivery slot (the limiter covers the destination call only) and the handler ends it as soon as no
 * event is at the destination (flushWrites).
 */
export const PUT_LINGER_MS = 250;

export interface AwsDeliveryStore extends DeliveryStore {
  /** The event item with what the destination Lambda needs beyond the record (pack id, expiry); null when none. */
  getEntry(fn: string, messageId: string): Promise<EventEntry | null>;
  /** put(), noting the pack id of the SQS message the record was settled from. */
  put(record: DeliveryRecord, pack?: string | null): Promise<void>;
  /**
   * Writes a settled record again, with its pack id, to live RECORD_TTL_DAYS from now (not in the history): its
   * message is coming back (retry, DLQ) for another event, maybe after the dedupe window.
   */
  keep(record: DeliveryRecord, pack: string): Promise<void>;
  /** Writes the records put since the last call as history pages (the destination handler calls it after each batch). */
  flushHistory(): Promise<void>;
  /** Sends the writes waiting to share a BatchWriteItem now. */
  flushWrites(): void;
}

export function createDeliveryStore(options: DeliveryStoreOptions): AwsDeliveryStore {
  const client = options.client ?? DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const TableName = options.tableName;
  const historyTtlSeconds = (options.ttlDays ?? RECORD_TTL_DAYS) * 24 * 60 * 60;
  const consistent = options.consistentReads ?? false;
  let unpaged: DeliveryRecord[] = [];

  const getItem = coalesce<string, Item | null>({
    maxBatch: BATCH_GET_MAX_KEYS, run: (pks) => batchGetByPk(client, TableName, pks, { consistent }), isolate: isValidationError,
  });
  const putItem = coalesce<Item, void>({
    maxBatch: BATCH_WRITE_MAX_ITEMS, lingerMs: options.putLingerMs ?? 0,
    run: (items) => batchPutByPk(client, TableName, items), isolate: isValidationError,
  });
  const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  const getEntry = async (fn: string, messageId: string) => {
    const item = await getItem(recordKey(fn, messageId));
    return item ? entryFromItem(item) : null;
  };

  return {
    async get(fn, messageId) {
      return (await getEntry(fn, messageId))?.record ?? null;
    },

    getEntry,

    async put(record, pack = null) {
      const ttl = epochSeconds(record.updatedAt) + (isIndexedStatus(record.status) ? historyTtlSeconds : DEDUPE_TTL_SECONDS);
      unpaged.push(record);
      await putItem(eventItem(record, ttl, pack));
    },

    async keep(record, pack) {
      await putItem(eventItem(record, Math.floor(Date.now() / 1000) + historyTtlSeconds, pack));
    },

    async flushHistory() {
      const records = unpaged;
      unpaged = [];
      const pages: Item[] = [];
      for (let i = 0; i < records.length; i += HISTORY_PAGE_RECORDS) {
        const page = records.slice(i, i + HISTORY_PAGE_RECORDS);
        // Pages of one function only: a store serves one function, but nothing here relies on it.
        for (const [fn, ofFn] of groupBy(page, (r) => r.function)) {
          pages.push(pageItem(fn, randomUUID(), ofFn, epochSeconds(ofFn[ofFn.length - 1].updatedAt) + historyTtlSeconds));
        }
      }
      const written = Promise.all(pages.map((page) => putItem(page)));
      putItem.flush();
      await written;
    },

    flushWrites() {
      putItem.flush();
    },
  };
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}

/** DynamoDB refused the request's content (e.g. a key over 2 KB): one item may be at fault, not the whole batch. */
function isValidationError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ValidationException';
}

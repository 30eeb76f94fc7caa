/**
 * Where delivery records live: SQLite locally (runtime/local/records.ts, synchronous, called inside the settle
 * transaction), DynamoDB on AWS (runtime/aws/delivery-store.ts). One record per function × messageId.
 * `put` stores a record built by `recordAfterAttempt`. The local store keeps the stored firstSeenAt, and the
 * stored lastError when the new one is null, in its upsert (the merge recordAfterAttempt applies to a
 * `previous` record), so the engine's settle transaction needs no read.
 */
import type { DeliveryRecord } from './record';

export interface DeliveryStore {
  get(fn: string, messageId: string): DeliveryRecord | null | Promise<DeliveryRecord | null>;
  put(record: DeliveryRecord): void | Promise<void>;
}

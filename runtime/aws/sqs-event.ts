/** What an SQS record says about its message beyond the body (the body: sqs-message.ts). */
import type { SQSRecord } from 'aws-lambda';

/** Deliveries made so far including this one: SQS's receive count (the DLQ redrive counts the same way). */
export function attemptOf(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/** When the message entered the queue (ISO), else `fallback`. */
export function sentAtOf(record: SQSRecord, fallback: Date): string {
  const ms = Number(record.attributes?.SentTimestamp);
  return new Date(Number.isFinite(ms) && ms > 0 ? ms : fallback.getTime()).toISOString();
}

/**
 * Per-message backoff on SQS: ChangeMessageVisibility to the retry policy's delay.
 * The SQS client is loaded on the first retry, not at init: a batch without retries (the usual cold start)
 * never needs @aws-sdk/client-sqs, which costs ~10 ms of a cold start to load.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';

type SqsModule = typeof import('@aws-sdk/client-sqs');

/** SQS's ceiling for a visibility timeout (12 h), also the retry policy's longest delay. */
export const MAX_VISIBILITY_SECONDS = 43_200;

export type VisibilityChanger = (receiptHandle: string, seconds: number) => Promise<void>;

export function visibilitySeconds(delayMs: number): number {
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(delayMs / 1000)));
}

/** @param client used as given; by default one client is created on the first call. */
export function createVisibilityChanger(queueUrl: string, client?: SQSClient): VisibilityChanger {
  let sqs: SqsModule | undefined;
  return async (receiptHandle, seconds) => {
    sqs ??= require('@aws-sdk/client-sqs') as SqsModule;
    client ??= new sqs.SQSClient({});
    await client.send(new sqs.ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(seconds))),
    }));
  };
}

/** Per-message backoff on SQS: ChangeMessageVisibility to the retry policy's delay. */
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';

/** SQS's ceiling for a visibility timeout (12 h), also the retry policy's longest delay. */
export const MAX_VISIBILITY_SECONDS = 43_200;

export type VisibilityChanger = (receiptHandle: string, seconds: number) => Promise<void>;

export function visibilitySeconds(delayMs: number): number {
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(delayMs / 1000)));
}

export function createVisibilityChanger(queueUrl: string, client: SQSClient = new SQSClient({})): VisibilityChanger {
  return async (receiptHandle, seconds) => {
    await client.send(new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(seconds))),
    }));
  };
}

/**
 * Lambda's SQS event source in miniature, for the benches: receive (10 at a time, long polling) until the batch
 * is full or the batching window has passed since its first message, invoke, then delete what the handler did
 * not report failed (DeleteMessageBatch, 10 entries a call). Its calls are what AWS bills the account for the
 * event source's polling.
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface QueueRef { url: string; arn: string }

export async function receive(sqs: SQSClient, queue: QueueRef, max = 10, waitSeconds = 1): Promise<SQSRecord[]> {
  const out = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: queue.url, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ['All'],
  }));
  return (out.Messages ?? []).map((m) => {
    const a = m.Attributes ?? {};
    return {
      messageId: m.MessageId!, receiptHandle: m.ReceiptHandle!, body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1', SentTimestamp: a.SentTimestamp ?? String(Date.now()),
        SenderId: a.SenderId ?? 'AIDABENCH', ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {}, md5OfBody: m.MD5OfBody ?? '', eventSource: 'aws:sqs', eventSourceARN: queue.arn, awsRegion: 'us-east-1',
    };
  });
}

/** Up to `batchSize` records: receives until full, or until `windowMs` after the first one, or nothing arrives. */
export async function receiveBatch(sqs: SQSClient, queue: QueueRef, batchSize: number, windowMs: number): Promise<SQSRecord[]> {
  const records: SQSRecord[] = [];
  let firstAt = 0;
  while (records.length < batchSize) {
    const got = await receive(sqs, queue, Math.min(10, batchSize - records.length), 1);
    if (got.length === 0 && records.length === 0) return records;
    if (records.length === 0) firstAt = performance.now();
    records.push(...got);
    if (got.length === 0 || performance.now() - firstAt >= windowMs) break;
  }
  return records;
}

export async function deleteDone(sqs: SQSClient, queue: QueueRef, records: SQSRecord[], response?: SQSBatchResponse): Promise<void> {
  const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  const done = records.filter((r) => !failed.has(r.messageId));
  for (let i = 0; i < done.length; i += 10) {
    const out = await sqs.send(new DeleteMessageBatchCommand({
      QueueUrl: queue.url, Entries: done.slice(i, i + 10).map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
    }));
    if (out.Failed?.length) throw new Error(`delete failed: ${JSON.stringify(out.Failed[0])}`);
  }
}

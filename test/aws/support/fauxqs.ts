/** fauxqs@1.9.2 (SQS emulator) in a child process, with helpers to create queues and read them as Lambda would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { decodeMessage } from '../../../runtime/aws/sqs-message';

export interface Fauxqs {
  port: number;
  /** Same origin as the queue URLs fauxqs hands out (sqs.<region>.localhost:<port>; see localhost-dns.ts). */
  endpoint: string;
  client: SQSClient;
  stop(): Promise<void>;
}

export async function startFauxqs(): Promise<Fauxqs> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'fauxqs-server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`fauxqs exited with code ${code}`)));
  });
  const endpoint = `http://sqs.us-east-1.localhost:${port}`;
  const client = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    port,
    endpoint,
    client,
    stop: () => new Promise<void>((resolve) => {
      client.destroy();
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

export interface Queue { url: string; arn: string }

export async function createQueue(client: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<Queue> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: attrs.Attributes!.QueueArn! };
}

/** A queue with a DLQ: after `maxReceiveCount` receives, the next receive moves a message to the DLQ. */
export async function createQueueWithDlq(client: SQSClient, name: string, maxReceiveCount: number, visibilityTimeout = 30) {
  const dlq = await createQueue(client, `${name}-dlq`);
  const queue = await createQueue(client, name, {
    VisibilityTimeout: String(visibilityTimeout),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: String(maxReceiveCount) }),
  });
  return { queue, dlq };
}

/** ReceiveMessage with every system attribute, mapped to the SQSRecord shape Lambda's event source builds. */
export async function receiveRecords(client: SQSClient, queue: Queue, waitSeconds = 0, max = 10): Promise<SQSRecord[]> {
  const out = await client.send(new ReceiveMessageCommand({
    QueueUrl: queue.url, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds,
    MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'],
  }));
  return (out.Messages ?? []).map((m) => toSqsRecord(m, queue.arn));
}

/** One received message as the record Lambda's SQS event source puts in the event. */
export function toSqsRecord(m: Message, queueArn: string, region = 'us-east-1'): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'AIDAFAUXQS',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** What Lambda does with a ReportBatchItemFailures response: delete every record not reported as failed. */
export async function deleteSucceeded(client: SQSClient, queue: Queue, records: SQSRecord[], response: SQSBatchResponse): Promise<void> {
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = records.filter((r) => !failed.has(r.messageId));
  if (done.length === 0) return;
  const out = await client.send(new DeleteMessageBatchCommand({
    QueueUrl: queue.url, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
  }));
  if (out.Failed?.length) throw new Error(`delete failed: ${JSON.stringify(out.Failed)}`);
}

/** Receives (and deletes) every visible message; returns each message's events (packed or bare, sqs-message.ts). */
export async function drainMessages(client: SQSClient, queue: Queue): Promise<Array<Array<Record<string, unknown>>>> {
  const messages: Array<Array<Record<string, unknown>>> = [];
  for (;;) {
    const records = await receiveRecords(client, queue);
    if (records.length === 0) return messages;
    for (const r of records) {
      const content = decodeMessage(r.body);
      if (!content) throw new Error(`not a destfn message body: ${r.body.slice(0, 100)}`);
      messages.push(content.events.map((e) => ({ ...e })));
    }
    await deleteSucceeded(client, queue, records, { batchItemFailures: [] });
  }
}

/** Receives (and deletes) every visible message; returns the events they hold, in order. */
export async function drainBodies(client: SQSClient, queue: Queue): Promise<Array<Record<string, unknown>>> {
  return (await drainMessages(client, queue)).flat();
}

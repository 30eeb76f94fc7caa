/**
 * Puts messages in an SQS queue with SendMessageBatch: up to 10 entries (and 256 KiB) per call, all calls in
 * parallel, entries that fail retried with backoff. Reports what could not be queued; never throws.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { chunkMessages } from './sqs-chunks';
import type { OutgoingMessage } from './sqs-message';

/** A message not queued: the events it holds. */
export interface SendFailure { messageIds: string[]; error: string }

export interface SqsSender {
  /** Resolves with the messages that are NOT in the queue after every attempt (empty = all queued). */
  send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<SendFailure[]>;
}

export interface SqsSenderOptions {
  client?: SQSClient;
  /** Calls per entry, including the first (default 3). */
  attempts?: number;
  /** First backoff; doubles each attempt, jittered (default 100 ms). */
  backoffMs?: number;
}

interface Entry { id: string; message: OutgoingMessage }

export function createSqsSender(options: SqsSenderOptions = {}): SqsSender {
  const client = options.client ?? new SQSClient({});
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 100;

  async function sendChunk(queueUrl: string, chunk: readonly OutgoingMessage[]): Promise<SendFailure[]> {
    let pending: Entry[] = chunk.map((message, i) => ({ id: String(i), message }));
    const failures: SendFailure[] = [];
    const lastError = new Map<string, string>();
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        const out = await client.send(new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: pending.map((e) => ({ Id: e.id, MessageBody: e.message.body })),
        }));
        const failed = new Map((out.Failed ?? []).map((f) => [f.Id ?? '', f]));
        const retry: Entry[] = [];
        for (const entry of pending) {
          const f = failed.get(entry.id);
          if (!f) continue;
          const error = `${f.Code ?? 'Failed'}: ${f.Message ?? 'no message'}`;
          // A sender fault (invalid message) fails the same way every time.
          if (f.SenderFault) failures.push({ messageIds: entry.message.messageIds, error });
          else { lastError.set(entry.id, error); retry.push(entry); }
        }
        pending = retry;
      } catch (err) {
        const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        for (const entry of pending) lastError.set(entry.id, error);
      }
      if (pending.length > 0 && attempt >= attempts) {
        for (const entry of pending) failures.push({ messageIds: entry.message.messageIds, error: lastError.get(entry.id) ?? 'unknown' });
        break;
      }
      if (pending.length > 0) await sleep(backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
    return failures;
  }

  return {
    async send(queueUrl, messages) {
      const results = await Promise.all(chunkMessages(messages).map((chunk) => sendChunk(queueUrl, chunk)));
      return results.flat();
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

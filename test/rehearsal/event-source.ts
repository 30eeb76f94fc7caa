/**
 * An SQS event source mapping (AWS::Lambda::EventSourceMapping) played as Lambda's pollers do: with the
 * function's execution role, up to MaximumConcurrency batches in flight, BatchSize messages per batch, and
 * ReportBatchItemFailures honoured (only the reported messages stay; an invocation error or a malformed
 * response leaves the whole batch to return after its visibility timeout, where the redrive policy counts it).
 * Disabled (UpdateEventSourceMapping Enabled=false, `destfn pause --aws`), its pollers receive nothing: the batches
 * already in flight finish, the queue's messages wait untouched.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { toSqsRecord } from '../aws/support/fauxqs';
import type { LambdaFunction } from './lambda/lambda-function';

export interface EventSourceSpec {
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  maximumConcurrency: number;
  reportBatchItemFailures: boolean;
  region: string;
  /** SDK clients reach the plane here, signed with the function role's credentials. */
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface EventSourceMapping {
  /** Invocations made so far, and those that failed as a whole. */
  readonly invocations: number;
  readonly failedInvocations: string[];
  enabled: boolean;
  /** ReceiveMessage calls under way (a disabled mapping's last ones finish within their 1 s wait). */
  readonly receiving: number;
  stop(): Promise<void>;
}

export function startEventSource(spec: EventSourceSpec, fn: LambdaFunction): EventSourceMapping {
  const client = new SQSClient({ region: spec.region, endpoint: spec.endpoint, credentials: spec.credentials, maxAttempts: 1 });
  let running = true;
  let enabled = true;
  let receiving = 0;
  let invocations = 0;
  const failedInvocations: string[] = [];

  async function poll(): Promise<void> {
    while (running) {
      if (!enabled) {
        await sleep(100);
        continue;
      }
      let records: SQSRecord[];
      receiving++;
      try {
        records = await receive();
      } catch (err) {
        failedInvocations.push(`ReceiveMessage: ${(err as Error).name}: ${(err as Error).message}`);
        await sleep(200);
        continue;
      } finally {
        receiving--;
      }
      if (records.length === 0) continue;
      invocations++;
      const outcome = await fn.invoke({ Records: records } satisfies SQSEvent);
      if (!outcome.ok) {
        failedInvocations.push(`${outcome.error.errorType}: ${outcome.error.errorMessage}`);
        continue;
      }
      const failed = failedIds(outcome.result, records, spec.reportBatchItemFailures);
      if (failed === 'all') {
        failedInvocations.push(`malformed batch response: ${JSON.stringify(outcome.result)}`);
        continue;
      }
      const done = records.filter((r) => !failed.has(r.messageId));
      if (done.length > 0) await remove(done);
    }
  }

  async function receive(): Promise<SQSRecord[]> {
    const out = await client.send(new ReceiveMessageCommand({
      QueueUrl: spec.queueUrl, MaxNumberOfMessages: Math.min(10, spec.batchSize), WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'],
    }));
    return (out.Messages ?? []).map((m) => toSqsRecord(m, spec.queueArn, spec.region));
  }

  async function remove(records: SQSRecord[]): Promise<void> {
    const out = await client.send(new DeleteMessageBatchCommand({
      QueueUrl: spec.queueUrl, Entries: records.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
    }));
    if (out.Failed?.length) failedInvocations.push(`DeleteMessageBatch: ${JSON.stringify(out.Failed)}`);
  }

  const pollers = Array.from({ length: spec.maximumConcurrency }, () => poll());
  return {
    get invocations() { return invocations; },
    failedInvocations,
    get enabled() { return enabled; },
    get receiving() { return receiving; },
    set enabled(value: boolean) { enabled = value; },
    async stop() {
      running = false;
      await Promise.all(pollers);
      client.destroy();
    },
  };
}

/** Lambda's reading of a ReportBatchItemFailures response: the ids to keep, or 'all' when it cannot be trusted. */
function failedIds(result: unknown, records: SQSRecord[], reportBatchItemFailures: boolean): Set<string> | 'all' {
  if (!reportBatchItemFailures || result === null || result === undefined) return new Set();
  const failures = (result as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(records.map((r) => r.messageId));
  const failed = new Set<string>();
  for (const f of failures) {
    if (!f || typeof f.itemIdentifier !== 'string' || !ids.has(f.itemIdentifier)) return 'all';
    failed.add(f.itemIdentifier);
  }
  return failed;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

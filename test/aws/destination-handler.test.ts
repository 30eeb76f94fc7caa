/**
 * The destination Lambda, bundled as it ships in the layer, fed with real SQS records received from fauxqs,
 * delivering to a real HTTP sink on 127.0.0.1, recording in dynalite; Secrets Manager mocked.
 * The test plays the Lambda event source: it receives a batch, invokes the handler, deletes what was not reported.
 */
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useFakeAwsEnv } from './support/aws-env';
import { loadBundledHandler, removeBundles } from './support/bundle';
import { captureOutput, type CapturedOutput } from './support/captured-output';
import { createDeliveryTable, startDynalite, type Dynalite } from './support/dynalite';
import { createQueueWithDlq, deleteSucceeded, receiveRecords, startFauxqs, type Fauxqs, type Queue } from './support/fauxqs';
import { tempRoot, writeFunctionDir } from './support/function-dir';
import { startHttpSink, type HttpSink } from './support/http-sink';
import { lambdaContext } from './support/lambda';
import { interceptLocalhostDns } from './support/localhost-dns';
import { recordFromItem } from '../../runtime/aws/delivery-item';
import { listDeliveryRecords } from '../../runtime/aws/delivery-list';
import { decodeMessage, encodeEvent, packEvents } from '../../runtime/aws/sqs-message';
import type { SegmentEvent } from '../../runtime/events/types';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
interface DestinationModule { createDestinationHandler(env?: Record<string, string | undefined>): Handler }

const TABLE = 'destfn-deliveries';
const API_KEY = 'sk_live_0123456789abcdef';

/** Segment script style, as pasted from Segment's editor: no imports, sloppy mode, module state. */
const CODE = `
var calls = 0;
async function onTrack(event, settings) {
  calls++;
  console.log('posting ' + event.event + ' with key ' + settings.apiKey);
  const res = await fetch(settings.url + '/' + event.properties.outcome, {
    method: 'post',
    headers: { authorization: 'Bearer ' + settings.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ messageId: event.messageId, calls: calls }),
  });
  if (res.status >= 500 || res.status === 429) throw new RetryError('sink answered ' + res.status);
  if (res.status >= 400) throw new InvalidEventPayload('sink refused the event: ' + res.status);
  return await res.json();
}
`;
const SETTINGS = {
  url: { type: 'string', required: true },
  apiKey: { type: 'string', required: true, secret: true },
};

interface Fn { name: string; queue: Queue; dlq: Queue; handler: Handler; secretArn: string }

const secrets = mockClient(SecretsManagerClient);
let sqs: Fauxqs;
let ddb: Dynalite;
let doc: DynamoDBDocumentClient;
let sink: HttpSink;
let root: string;
let destination: DestinationModule;
let restoreEnv: () => void;
let restoreDns: () => void;
let output: CapturedOutput;

async function deployFunction(
  name: string, retry: { attempts: number; windowHours: number }, secret: Record<string, string>, env: Record<string, string> = {},
  url = sink.url, code = CODE,
): Promise<Fn> {
  const { queue, dlq } = await createQueueWithDlq(sqs.client, name, retry.attempts);
  const dir = writeFunctionDir(root, { name, code, functionJson: { settings: SETTINGS, retry }, settings: { url } });
  const secretArn = `arn:aws:secretsmanager:us-east-1:000000000000:secret:destfn-fn-${name}`;
  secrets.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({ SecretString: JSON.stringify(secret) });
  const handler = destination.createDestinationHandler({
    ...process.env,
    DESTFN_FUNCTION_NAME: name,
    DESTFN_FUNCTION_DIR: dir,
    DESTFN_TABLE_NAME: TABLE,
    DESTFN_SECRET_ARN: secretArn,
    DESTFN_QUEUE_URL: queue.url,
    ...env,
  });
  return { name, queue, dlq, handler, secretArn };
}

let seq = 0;
function trackEvent(outcome: 'ok' | 'fail' | 'bad' | 'busy', messageId = `msg-${++seq}-${outcome}`) {
  return { type: 'track', event: 'Order Completed', userId: 'u1', messageId, properties: { outcome }, receivedAt: new Date().toISOString() };
}

async function enqueue(queue: Queue, events: object[]): Promise<void> {
  await sqs.client.send(new SendMessageBatchCommand({
    QueueUrl: queue.url, Entries: events.map((e, i) => ({ Id: String(i), MessageBody: JSON.stringify(e) })),
  }));
}

/** As the ingest Lambda queues the events of one request: packed into as few messages as fit. */
async function enqueuePacked(queue: Queue, events: object[]): Promise<void> {
  const messages = packEvents(events.map((e) => encodeEvent(e as SegmentEvent)));
  await sqs.client.send(new SendMessageBatchCommand({
    QueueUrl: queue.url, Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: m.body })),
  }));
}

/** One poll of the Lambda event source: receive, invoke, delete the records not reported as failures. */
async function poll(fn: Fn, waitSeconds = 0): Promise<{ records: SQSRecord[]; response: SQSBatchResponse }> {
  const records = await receiveRecords(sqs.client, fn.queue, waitSeconds);
  const response = records.length ? await fn.handler({ Records: records }, lambdaContext(`destfn-${fn.name}`)) : { batchItemFailures: [] };
  await deleteSucceeded(sqs.client, fn.queue, records, response);
  return { records, response };
}

/** Every message of the queue, visible or not (fauxqs' inspection endpoint, which does not consume). */
async function queueState(queue: Queue): Promise<{ ready: number; delayed: number; inflight: number }> {
  const name = queue.url.split('/').pop()!;
  const res = await fetch(`http://127.0.0.1:${sqs.port}/_fauxqs/queues/${name}`);
  const state = await res.json() as { messages: Record<'ready' | 'delayed' | 'inflight', unknown[]> };
  return { ready: state.messages.ready.length, delayed: state.messages.delayed.length, inflight: state.messages.inflight.length };
}

async function record(fn: string, messageId: string): Promise<Record<string, unknown> | undefined> {
  const out = await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: `${fn}#${messageId}` }, ConsistentRead: true }));
  return out.Item && { ...recordFromItem(out.Item), ttl: out.Item.ttl };
}

const deliveryLines = (messageId: string) => output.json().filter((l) => l.message === 'delivery' && l.messageId === messageId);
/** The per-invocation summary lines: outcome counts by status. */
const summaries = () => output.json().filter((l) => l.message === 'deliveries');
const sinkCalls = (messageId: string) => sink.requests.filter((r) => (JSON.parse(r.body) as { messageId: string }).messageId === messageId);

beforeAll(async () => {
  restoreDns = interceptLocalhostDns();
  [sqs, ddb, sink] = await Promise.all([startFauxqs(), startDynalite(), startHttpSink()]);
  await createDeliveryTable(ddb.client, TABLE);
  doc = DynamoDBDocumentClient.from(ddb.client);
  root = tempRoot('destfn-aws-fn-');
  restoreEnv = useFakeAwsEnv({ AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint });
  destination = loadBundledHandler<DestinationModule>('destination-handler');
});

afterAll(async () => {
  await Promise.all([sqs?.stop(), ddb?.stop(), sink?.close()]);
  restoreEnv?.();
  restoreDns?.();
  secrets.restore();
  removeBundles();
  if (root) rmSync(root, { recursive: true, force: true });
});

beforeEach(() => { output = captureOutput(); });
afterEach(() => output.restore());

describe('destination handler', () => {
  let hooks: Fn;
  beforeAll(async () => {
    // 3 attempts over 9 s: the first retry waits 3 s (±10 % jitter, rounded to whole seconds).
    hooks = await deployFunction('hooks', { attempts: 3, windowHours: 9 / 3600 }, { apiKey: API_KEY });
  });

  it('delivers, lets SQS delete the message, records it, and logs one redacted line with metrics', async () => {
    const event = trackEvent('ok');
    await enqueue(hooks.queue, [event]);
    const { records, response } = await poll(hooks);

    expect(records).toHaveLength(1);
    expect(response.batchItemFailures).toEqual([]);
    expect(await queueState(hooks.queue)).toEqual({ ready: 0, delayed: 0, inflight: 0 });

    const [call] = sinkCalls(event.messageId);
    expect(call.path).toBe('/ok');
    expect(call.headers.authorization).toBe(`Bearer ${API_KEY}`); // the secret reached the function from Secrets Manager

    expect(await record('hooks', event.messageId)).toMatchObject({
      function: 'hooks', messageId: event.messageId, status: 'delivered', attempts: 1, eventType: 'track',
      eventName: 'Order Completed', lastError: null, result: expect.stringContaining('"ok":true'),
      ttl: expect.any(Number),
    });

    const [line] = deliveryLines(event.messageId);
    expect(line).toMatchObject({
      level: 'INFO', function: 'hooks', messageId: event.messageId, type: 'track', event: 'Order Completed',
      status: 'delivered', attempt: 1, durationMs: expect.any(Number),
      logs: ['posting Order Completed with key [REDACTED]'],
    });
    expect(output.text()).not.toContain(API_KEY);
    const emf = output.json().find((l) => '_aws' in l && 'delivered' in l);
    expect(emf).toMatchObject({ delivered: 1, function: 'hooks', service: 'destfn' });
  });

  it('a function with only onBatch (as Segment allows) gets each event through it, as a batch of one', async () => {
    const batchOnly = `async function onBatch(events, settings) {
      return Promise.all(events.map(async (e) => {
        const res = await fetch(settings.url + '/' + e.properties.outcome, { method: 'POST', body: JSON.stringify({ messageId: e.messageId, batch: events.length }) });
        return res.json();
      }));
    }`;
    const batcher = await deployFunction('batcher', { attempts: 3, windowHours: 1 }, { apiKey: API_KEY }, {}, sink.url, batchOnly);
    const event = trackEvent('ok');
    await enqueue(batcher.queue, [event]);
    const { response } = await poll(batcher);
    expect(response.batchItemFailures).toEqual([]);
    expect(sinkCalls(event.messageId).map((c) => c.path)).toEqual(['/ok']);
    expect(await record('batcher', event.messageId)).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
  });

  const BULK_CODE = `
    async function onBatch(events, settings) {
      await fetch(settings.url + '/ok', { method: 'POST', body: JSON.stringify({ batch: events.map((e) => e.messageId) }) });
      return events.map((e) => (e.properties.outcome === 'fail' ? { status: 500, errormessage: 'bulk API: try again' } : { status: 200 }));
    }
    async function onTrack(event, settings) {
      const res = await fetch(settings.url + '/ok', { method: 'POST', body: JSON.stringify({ messageId: event.messageId }) });
      return res.json();
    }`;
  const batchesSince = (from: number) => sink.requests.slice(from).map((r) => (JSON.parse(r.body) as { batch?: string[] }).batch);

  it('a function with onBatch gets the events let through together as one batch, as Segment batches them: 25 events in 3 calls at the default 10 at once, not 25', async () => {
    const fn = await deployFunction('bulk', { attempts: 3, windowHours: 1 }, { apiKey: API_KEY }, {}, sink.url, BULK_CODE);
    const events = Array.from({ length: 25 }, () => trackEvent('ok'));
    await enqueuePacked(fn.queue, events);
    const before = sink.requests.length;
    const { response } = await poll(fn);
    expect(response.batchItemFailures).toEqual([]);
    const batches = batchesSince(before);
    // 10, 10 and 5, unless the adaptive limit moved in between: never a call per event, never more than 10 at once.
    expect(batches.length).toBeLessThanOrEqual(4);
    expect(batches.every((b) => b !== undefined && b.length <= 10)).toBe(true);
    expect(batches.flat().sort()).toEqual(events.map((e) => e.messageId).sort());
    for (const e of events) expect(await record('bulk', e.messageId)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(summaries().at(-1)).toMatchObject({ delivered: 25 });
  });

  it("onBatch's partial failure retries only its event; the message comes back with it alone, and alone it goes to its own handler", async () => {
    // Retried once after 1 s.
    const fn = await deployFunction('bulk-partial', { attempts: 2, windowHours: 1 / 3600 }, { apiKey: API_KEY }, {}, sink.url, BULK_CODE);
    const events = Array.from({ length: 10 }, (_, i) => trackEvent(i === 6 ? 'fail' : 'ok'));
    const failing = events[6];
    await enqueuePacked(fn.queue, events);
    const before = sink.requests.length;

    const first = await poll(fn);
    expect(first.records).toHaveLength(1);
    expect(first.response.batchItemFailures).toEqual([{ itemIdentifier: first.records[0].messageId }]);
    expect(batchesSince(before)).toEqual([events.map((e) => e.messageId)]);
    for (const e of events.filter((x) => x !== failing)) expect(await record('bulk-partial', e.messageId)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await record('bulk-partial', failing.messageId)).toMatchObject({ status: 'retrying', attempts: 1, lastError: { message: 'bulk API: try again (status 500)' } });

    const second = await poll(fn, 5);
    expect(second.response.batchItemFailures).toEqual([]);
    expect(sinkCalls(failing.messageId)).toHaveLength(1); // through onTrack
    expect(sink.requests.length - before).toBe(2);
    expect(await record('bulk-partial', failing.messageId)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(summaries().at(-1)).toMatchObject({ duplicate: 9, delivered: 1 });
  });

  it('discards a permanent error: not reported (SQS deletes it), recorded as discarded with the error', async () => {
    const event = trackEvent('bad');
    await enqueue(hooks.queue, [event]);
    const { response } = await poll(hooks);

    expect(response.batchItemFailures).toEqual([]);
    expect(await queueState(hooks.queue)).toEqual({ ready: 0, delayed: 0, inflight: 0 });
    expect(sinkCalls(event.messageId)).toHaveLength(1);
    expect(await record('hooks', event.messageId)).toMatchObject({
      status: 'discarded', attempts: 1, lastError: { name: 'InvalidEventPayload', message: 'sink refused the event: 400' },
    });
    expect(deliveryLines(event.messageId)[0]).toMatchObject({ status: 'discarded', reason: 'invalid-event' });
  });

  it('reports a retryable error and hides the message for the retry policy delay, then it comes back', async () => {
    const event = trackEvent('fail');
    await enqueue(hooks.queue, [event]);
    const polledAt = Date.now();
    const { records, response } = await poll(hooks);
    const settledAt = Date.now();

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0].messageId }]);
    const waiting = await record('hooks', event.messageId);
    expect(waiting).toMatchObject({ status: 'retrying', attempts: 1, lastError: { name: 'RetryError' } });
    // The record says when the message comes back: the visibility it was given, from the moment it settled.
    const nextAt = Date.parse(String(waiting?.nextAttemptAt));
    expect(nextAt - Date.parse(String(waiting?.updatedAt))).toBe(3000);
    expect(nextAt).toBeGreaterThanOrEqual(polledAt + 3000);
    expect(nextAt).toBeLessThanOrEqual(settledAt + 3000);
    expect(deliveryLines(event.messageId)[0]).toMatchObject({ level: 'WARN', status: 'retrying', attempt: 1, retryInSeconds: 3 });

    expect(await receiveRecords(sqs.client, hooks.queue)).toEqual([]);
    await sleep(1500);
    expect(await receiveRecords(sqs.client, hooks.queue)).toEqual([]); // a queue default would not hide it this precisely

    const [again] = await receiveRecords(sqs.client, hooks.queue, 5);
    expect(Date.now() - settledAt).toBeGreaterThanOrEqual(2900);
    expect(again.messageId).toBe(records[0].messageId);
    expect(again.attributes.ApproximateReceiveCount).toBe('2');
    await deleteSucceeded(sqs.client, hooks.queue, [again], { batchItemFailures: [] });
  });

  it("honours a 429's Retry-After when it is longer than the policy delay (visibility timeout)", async () => {
    const event = trackEvent('busy');
    await enqueue(hooks.queue, [event]);
    const { records, response } = await poll(hooks);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0].messageId }]);
    expect(deliveryLines(event.messageId)[0]).toMatchObject({ status: 'retrying', attempt: 1, retryInSeconds: 7 }); // the policy says 3
    await sleep(3500);
    expect(await receiveRecords(sqs.client, hooks.queue)).toEqual([]);
    await sqs.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: hooks.queue.url, ReceiptHandle: records[0].receiptHandle, VisibilityTimeout: 0 }));
    const [again] = await receiveRecords(sqs.client, hooks.queue, 2);
    await deleteSucceeded(sqs.client, hooks.queue, [again], { batchItemFailures: [] });
  });

  it('does not deliver a messageId twice: two copies in one batch, and a resend after delivery', async () => {
    const event = trackEvent('ok');
    await enqueue(hooks.queue, [event, event]);
    const first = await poll(hooks);
    expect(first.records).toHaveLength(2);
    expect(first.response.batchItemFailures).toEqual([]);

    await enqueue(hooks.queue, [event]);
    await poll(hooks);

    expect(sinkCalls(event.messageId)).toHaveLength(1);
    // The delivery has a line of its own (the function logged); duplicates are only counted.
    expect(deliveryLines(event.messageId).map((l) => l.status)).toEqual(['delivered']);
    expect(summaries()).toEqual([
      expect.objectContaining({ level: 'INFO', function: 'hooks', delivered: 1, duplicate: 1 }),
      expect.objectContaining({ duplicate: 1 }),
    ]);
    expect(summaries()[1]).not.toHaveProperty('delivered');
    expect(await queueState(hooks.queue)).toEqual({ ready: 0, delayed: 0, inflight: 0 });
    expect(await record('hooks', event.messageId)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('keeps events of a function whose required secret is missing (retry later, never discard)', async () => {
    const locked = await deployFunction('locked', { attempts: 3, windowHours: 9 / 3600 }, {});
    const event = trackEvent('ok');
    await enqueue(locked.queue, [event]);
    const { response } = await poll(locked);

    expect(response.batchItemFailures).toHaveLength(1);
    expect(sinkCalls(event.messageId)).toHaveLength(0);
    expect(await record('locked', event.messageId)).toMatchObject({
      status: 'retrying', lastError: { name: 'FunctionConfigError', message: 'function "locked": setting "apiKey" is required' },
    });
    expect(await queueState(locked.queue)).toMatchObject({ ready: 0 });
  });
});

describe('destination handler without its delivery table', () => {
  it('delivers nothing it cannot dedupe: the message is reported and returns after the queue visibility timeout', async () => {
    const fn = await deployFunction('tableless', { attempts: 3, windowHours: 9 / 3600 }, { apiKey: API_KEY }, { DESTFN_TABLE_NAME: 'no-such-table' });
    const event = trackEvent('ok');
    await enqueue(fn.queue, [event]);
    const { records, response } = await poll(fn);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0].messageId }]);
    expect(sinkCalls(event.messageId)).toHaveLength(0);
    expect(output.json().find((l) => l.message === 'event not processed')).toMatchObject({
      level: 'ERROR', messageId: event.messageId, error: expect.stringContaining('ResourceNotFoundException'),
    });
    expect(await queueState(fn.queue)).toMatchObject({ ready: 0, inflight: 1 });
  });
});

describe('destination handler, DynamoDB work shared by the records of a batch', () => {
  it('delivers and records every record of a full batch; a later batch delivers only the messageIds not seen yet', async () => {
    const fn = await deployFunction('batched', { attempts: 3, windowHours: 9 / 3600 }, { apiKey: API_KEY });
    const first = Array.from({ length: 10 }, () => trackEvent('ok'));
    await enqueue(fn.queue, first);
    const one = await poll(fn);
    expect(one.records).toHaveLength(10);
    expect(one.response.batchItemFailures).toEqual([]);
    for (const event of first) {
      expect(await record('batched', event.messageId)).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(sinkCalls(event.messageId)).toHaveLength(1);
    }

    const second = Array.from({ length: 5 }, () => trackEvent('ok'));
    output.clear();
    await enqueue(fn.queue, [...first.slice(0, 5), ...second]);
    const two = await poll(fn);
    expect(two.records).toHaveLength(10);
    expect(two.response.batchItemFailures).toEqual([]);
    for (const event of [...first, ...second]) expect(sinkCalls(event.messageId)).toHaveLength(1);
    for (const event of second) expect(await record('batched', event.messageId)).toMatchObject({ status: 'delivered' });
    expect(first.slice(0, 5).map((e) => deliveryLines(e.messageId))).toEqual(Array(5).fill([]));
    expect(summaries()).toEqual([expect.objectContaining({ function: 'batched', delivered: 5, duplicate: 5, durationMs: { p50: expect.any(Number), max: expect.any(Number) } })]);
    expect(output.json().find((l) => '_aws' in l && 'delivered' in l)).toMatchObject({ delivered: 5, duplicate: 5 });
    expect(await queueState(fn.queue)).toEqual({ ready: 0, delayed: 0, inflight: 0 });

    // The history pages of both invocations list the 15 deliveries, newest first.
    const listed = await listDeliveryRecords(doc, TABLE, 'batched', { limit: 100 });
    expect(new Set(listed.map((r) => r.messageId))).toEqual(new Set([...first, ...second].map((e) => e.messageId)));
    expect(listed.every((r) => r.status === 'delivered' && r.attempts === 1 && r.function === 'batched')).toBe(true);
    expect(listed.map((r) => r.updatedAt)).toEqual(listed.map((r) => r.updatedAt).sort().reverse());
  });

  it('keeps a finished delivery whose record cannot be written (table gone mid-batch): error logged, nothing retried', async () => {
    await createDeliveryTable(ddb.client, 'doomed');
    // The destination deletes the delivery table when it is called: the dedupe reads worked, the record writes cannot.
    const dropper = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        void ddb.client.send(new DeleteTableCommand({ TableName: 'doomed' })).catch(() => undefined).then(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        });
      });
    });
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(dropper.address() as AddressInfo).port}`;
      const fn = await deployFunction('doomed', { attempts: 3, windowHours: 9 / 3600 }, { apiKey: API_KEY }, { DESTFN_TABLE_NAME: 'doomed' }, url);
      const events = [trackEvent('ok'), trackEvent('ok'), trackEvent('ok')];
      await enqueue(fn.queue, events);
      const { records, response } = await poll(fn);

      expect(records).toHaveLength(3);
      expect(response.batchItemFailures).toEqual([]);
      expect(await queueState(fn.queue)).toEqual({ ready: 0, delayed: 0, inflight: 0 });
      for (const event of events) {
        expect(deliveryLines(event.messageId)).toEqual([expect.objectContaining({ status: 'delivered' })]);
        expect(output.json().filter((l) => l.message === 'delivery record not written' && l.messageId === event.messageId)).toEqual([
          expect.objectContaining({ level: 'ERROR', function: 'doomed', error: expect.objectContaining({ name: 'ResourceNotFoundException' }) }),
        ]);
      }
    } finally {
      await new Promise<void>((resolve) => dropper.close(() => resolve()));
    }
  });
});

describe('destination handler at the last attempt', () => {
  it('records the event as failed and the redrive policy moves it to the DLQ', async () => {
    // 2 attempts over 1 s: retry once after 1 s; queue maxReceiveCount = 2.
    const flaky = await deployFunction('flaky', { attempts: 2, windowHours: 1 / 3600 }, { apiKey: API_KEY });
    const event = trackEvent('fail');
    await enqueue(flaky.queue, [event]);

    const first = await poll(flaky);
    expect(first.response.batchItemFailures).toHaveLength(1);
    expect(await record('flaky', event.messageId)).toMatchObject({ status: 'retrying', attempts: 1 });

    const second = await poll(flaky, 5);
    expect(second.records[0].attributes.ApproximateReceiveCount).toBe('2');
    expect(second.response.batchItemFailures).toHaveLength(1);
    expect(await record('flaky', event.messageId)).toMatchObject({ status: 'failed', attempts: 2, lastError: { name: 'RetryError' } });
    expect(deliveryLines(event.messageId).map((l) => [l.status, l.level])).toEqual([['retrying', 'WARN'], ['failed', 'ERROR']]);

    // Visibility 0 at the last attempt: the next receive exceeds maxReceiveCount and SQS moves it to the DLQ.
    expect(await receiveRecords(sqs.client, flaky.queue, 1)).toEqual([]);
    const [dead] = await receiveRecords(sqs.client, flaky.dlq, 1);
    expect(JSON.parse(dead.body)).toMatchObject({ messageId: event.messageId });
    expect(sinkCalls(event.messageId)).toHaveLength(2);
  });
});

describe('destination handler, several events per SQS message', () => {
  it('settles each event on its own; the message comes back only for the one to retry (its settled siblings skipped, kept past the dedupe window) and lands in the DLQ whole; a replay delivers only what was not', async () => {
    // 2 attempts over 1 s: retry once after 1 s; queue maxReceiveCount = 2.
    const packs = await deployFunction('packs', { attempts: 2, windowHours: 1 / 3600 }, { apiKey: API_KEY });
    const [ok1, bad, fail, ok2] = [trackEvent('ok'), trackEvent('bad'), trackEvent('fail'), trackEvent('ok')];
    const settled = [ok1, bad, ok2];
    await enqueuePacked(packs.queue, [ok1, bad, fail, ok2]);

    const first = await poll(packs);
    expect(first.records).toHaveLength(1); // one message for the four events
    expect(first.response.batchItemFailures).toEqual([{ itemIdentifier: first.records[0].messageId }]);
    expect(await record('packs', ok1.messageId)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await record('packs', bad.messageId)).toMatchObject({ status: 'discarded', attempts: 1 });
    expect(await record('packs', fail.messageId)).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(deliveryLines(fail.messageId)[0]).toMatchObject({ status: 'retrying', attempt: 1, retryInSeconds: 1 });
    // The message comes back: what it settled is kept a month (past the DLQ's 14 days), not the 2 days of a dedupe item.
    const month = Date.now() / 1000 + 29 * 24 * 3600;
    for (const e of settled) expect((await record('packs', e.messageId))?.ttl).toBeGreaterThan(month);

    const second = await poll(packs, 5);
    expect(second.records[0].attributes.ApproximateReceiveCount).toBe('2');
    expect(second.response.batchItemFailures).toHaveLength(1);
    for (const e of settled) expect(sinkCalls(e.messageId)).toHaveLength(1); // skipped, not a new attempt
    expect(await record('packs', ok1.messageId)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await record('packs', fail.messageId)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(summaries().at(-1)).toMatchObject({ duplicate: 3, failed: 1 });

    // Its last attempt: the next receive moves the message, every event in it, to the DLQ.
    expect(await receiveRecords(sqs.client, packs.queue, 1)).toEqual([]);
    const [dead] = await receiveRecords(sqs.client, packs.dlq, 1);
    expect(decodeMessage(dead.body)?.events.map((e) => e?.messageId)).toEqual([ok1, bad, fail, ok2].map((e) => e.messageId));
    await deleteSucceeded(sqs.client, packs.dlq, [dead], { batchItemFailures: [] });

    // Replayed days later (past the 24 h dedupe window): the body goes back to the queue as it is (StartMessageMoveTask).
    for (const e of settled) await ageRecord('packs', e.messageId, 3 * 24 * 3600 * 1000);
    await sqs.client.send(new SendMessageBatchCommand({ QueueUrl: packs.queue.url, Entries: [{ Id: '0', MessageBody: dead.body }] }));
    const replay = await poll(packs, 1);
    expect(replay.response.batchItemFailures).toHaveLength(1);
    for (const e of settled) expect(sinkCalls(e.messageId)).toHaveLength(1);
    expect(sinkCalls(fail.messageId)).toHaveLength(3);
    await sqs.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: packs.queue.url, ReceiptHandle: replay.records[0].receiptHandle, VisibilityTimeout: 0 }));
    await deleteSucceeded(sqs.client, packs.queue, await receiveRecords(sqs.client, packs.queue, 1), { batchItemFailures: [] });
  });

  it('a batch of 7 packed messages (105 events) shares its DynamoDB calls: the dedupe lookups in 2 BatchGetItem, the records in few BatchWriteItem', async () => {
    const fn = await deployFunction('shared-calls', { attempts: 3, windowHours: 1 }, { apiKey: API_KEY });
    const requests = Array.from({ length: 7 }, () => Array.from({ length: 15 }, () => trackEvent('ok'))); // analytics-node batches
    for (const events of requests) await enqueuePacked(fn.queue, events);
    const before = ddb.operations.length;
    const { records, response } = await poll(fn);
    const calls = ddb.operations.slice(before);
    expect(records).toHaveLength(7);
    expect(response.batchItemFailures).toEqual([]);
    for (const e of requests.flat()) expect(sinkCalls(e.messageId)).toHaveLength(1);
    expect(summaries().at(-1)).toMatchObject({ delivered: 105 });
    // One lookup per event, started when the batch arrived (100 keys per call), not one call per round of deliveries.
    expect(calls.filter((c) => c === 'BatchGetItem')).toHaveLength(2);
    // 105 records and a history page, up to 25 per call: 5 at best. Records of events settled at different times
    // may go apart, but one call per round of 10 deliveries (or more) is what this guards against.
    expect(calls.filter((c) => c === 'BatchWriteItem').length).toBeLessThanOrEqual(9);
    expect(new Set(calls)).toEqual(new Set(['BatchGetItem', 'BatchWriteItem']));
  });

  it('a failing destination opens the breaker mid-batch: the events not yet at the destination are deferred unrun (no attempt, no record), every message reported', async () => {
    const fn = await deployFunction('breaker', { attempts: 5, windowHours: 1 }, { apiKey: API_KEY });
    const requests = Array.from({ length: 7 }, () => Array.from({ length: 15 }, () => trackEvent('fail')));
    for (const events of requests) await enqueuePacked(fn.queue, events);
    const { records, response } = await poll(fn);
    expect(records).toHaveLength(7);
    expect(response.batchItemFailures).toHaveLength(7);
    const events = requests.flat();
    const attempted = events.filter((e) => sinkCalls(e.messageId).length > 0);
    // 20 failures in a row open it; the calls already at the destination then finish (10 at once at most).
    expect(attempted.length).toBeGreaterThanOrEqual(20);
    expect(attempted.length).toBeLessThanOrEqual(30);
    expect(attempted.every((e) => sinkCalls(e.messageId).length === 1)).toBe(true);
    for (const e of attempted) expect(await record('breaker', e.messageId)).toMatchObject({ status: 'retrying', attempts: 1 });
    for (const e of events.filter((x) => !attempted.includes(x))) expect(await record('breaker', e.messageId)).toBeUndefined();
    expect(summaries().at(-1)).toMatchObject({ retrying: attempted.length });
  });

  it('delivers a message whose events all succeed and lets SQS delete it; a copy of one of its events in a later request is a duplicate', async () => {
    const packsOk = await deployFunction('packs-ok', { attempts: 3, windowHours: 1 }, { apiKey: API_KEY });
    const events = Array.from({ length: 15 }, () => trackEvent('ok')); // an analytics-node batch
    await enqueuePacked(packsOk.queue, events);
    const { records, response } = await poll(packsOk);
    expect(records).toHaveLength(1);
    expect(response.batchItemFailures).toEqual([]);
    for (const e of events) expect(await record('packs-ok', e.messageId)).toMatchObject({ status: 'delivered', attempts: 1, ttl: expect.any(Number) });
    // Nothing comes back for these: their items keep the short dedupe TTL (about 2 days).
    expect((await record('packs-ok', events[0].messageId))?.ttl).toBeLessThan(Date.now() / 1000 + 3 * 24 * 3600);

    await enqueuePacked(packsOk.queue, [events[3], trackEvent('ok')]);
    const again = await poll(packsOk);
    expect(again.response.batchItemFailures).toEqual([]);
    expect(sinkCalls(events[3].messageId)).toHaveLength(1);
    expect(summaries().at(-1)).toMatchObject({ duplicate: 1, delivered: 1 });
  });
});

/** Moves a record's last update `ms` into the past (its pack id and expiry kept), as if settled that long ago. */
async function ageRecord(fn: string, messageId: string, ms: number): Promise<void> {
  const { Item } = await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: `${fn}#${messageId}` }, ConsistentRead: true }));
  const r = JSON.parse(String(Item!.r)) as { updatedAt: string };
  r.updatedAt = new Date(Date.parse(r.updatedAt) - ms).toISOString();
  await doc.send(new PutCommand({ TableName: TABLE, Item: { ...Item, r: JSON.stringify(r) } }));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

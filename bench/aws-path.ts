/**
 * aws-path: events/s through the AWS handlers, run here the way Lambda runs them:
 *   POST /v1/batch (100 events) → ingest handler → fauxqs (SQS) → POLLERS event-source loops (ReceiveMessage 10,
 *   destination handler, DeleteMessageBatch of what was not reported failed) → webhook function → HTTP sink.
 * The handlers are the bundles lib/ ships (lib/asset-bundler.ts bundleHandler: minified, @aws-sdk external),
 * loaded in this process; fauxqs and dynalite (delivery records + dedupe) run in child processes; Secrets
 * Manager is a fake HTTP endpoint (no emulator exists); the sink is a plain node http server here.
 * Ingest (INGEST_CONCURRENCY requests in flight) and delivery run at the same time; the figure is
 * events / (first request → last delivery at the sink).
 *
 * Baseline: the same number of messages, same bodies, through fauxqs without the handlers: INGEST_CONCURRENCY
 * lanes each sending 100 messages as 10 parallel SendMessageBatch calls (what the ingest handler does), and
 * POLLERS loops of ReceiveMessage (10) + DeleteMessageBatch. Target: report the ratio.
 *     npx tsx bench/aws-path.ts [events]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context, SQSRecord } from 'aws-lambda';
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, PurgeQueueCommand, ReceiveMessageCommand,
  SendMessageBatchCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sampleEvent } from '../runtime/events/samples';
import { startChild } from './support/child';
import { createDeliveryTable, loadShippedHandlers, stageWebhookFunction } from './support/shipped-lambdas';
import { startFakeSecrets } from './support/fake-secrets';
import { interceptLocalhostDns } from '../test/aws/support/localhost-dns'; // the tests' own helpers: one copy
import { machineNote, note, percentile, printFigures } from './support/report';
import { now, startSink } from './support/sink';
import { ownCpuMs, processCpuMs } from './support/proc-cpu';

const EVENTS = Math.max(1000, Math.round((Number(process.argv[2]) || 5000) / 100) * 100);
const BATCH = 100;
const INGEST_CONCURRENCY = 4;
const POLLERS = 5;
const TIMEOUT_MS = 240_000;
const TABLE = 'destfn-deliveries';
const WRITE_KEY = 'wk_bench_0123456789abcdef';
const SOURCE_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:destfn-source-dev';
const FN_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:destfn-fn-webhook';


function context(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false, functionName, functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`, memoryLimitInMB: '1024',
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`, logGroupName: `/aws/lambda/${functionName}`, logStreamName: 'bench',
    getRemainingTimeInMillis: () => 30_000, done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}

function apiEvent(body: string): APIGatewayProxyEventV2 {
  const t = new Date();
  return {
    version: '2.0', routeKey: '$default', rawPath: '/v1/batch', rawQueryString: '',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
    requestContext: {
      accountId: '000000000000', apiId: 'bench', domainName: 'bench.execute-api.us-east-1.amazonaws.com', domainPrefix: 'bench',
      http: { method: 'POST', path: '/v1/batch', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `r-${t.getTime()}`, routeKey: '$default', stage: '$default', time: t.toISOString(), timeEpoch: t.getTime(),
    },
    body, isBase64Encoded: false,
  };
}

let seq = 0;
function batchBody(run: string): string {
  const sentAtMs = now();
  const t = sampleEvent('track') as unknown as Record<string, unknown>;
  return JSON.stringify({ batch: Array.from({ length: BATCH }, () => ({ ...t, messageId: `${run}-${seq++}`, properties: { ...(t.properties as object), sentAtMs } })) });
}

/** Lambda's SQS event source in miniature: receive up to 10, invoke, delete what was not reported failed. */
async function receive(sqs: SQSClient, queueUrl: string, queueArn: string): Promise<SQSRecord[]> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }));
  return (out.Messages ?? []).map((m) => {
    const a = m.Attributes ?? {};
    return {
      messageId: m.MessageId!, receiptHandle: m.ReceiptHandle!, body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1', SentTimestamp: a.SentTimestamp ?? String(Date.now()),
        SenderId: a.SenderId ?? 'AIDABENCH', ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {}, md5OfBody: m.MD5OfBody ?? '', eventSource: 'aws:sqs', eventSourceARN: queueArn, awsRegion: 'us-east-1',
    };
  });
}

async function deleteAll(sqs: SQSClient, queueUrl: string, records: SQSRecord[]): Promise<void> {
  if (records.length === 0) return;
  const out = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: records.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }));
  if (out.Failed?.length) throw new Error(`delete failed: ${JSON.stringify(out.Failed[0])}`);
}

/** Swallow the handlers' JSON log lines and EMF metrics (CloudWatch's job on Lambda) while `work` runs. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const out = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try { return await work(); } finally { process.stdout.write = out; }
}

async function main(): Promise<void> {
  machineNote();
  const restoreDns = interceptLocalhostDns();
  const root = mkdtempSync(join(tmpdir(), 'destfn-bench-aws-'));
  const fauxqs = await startChild<{ port: number }>([join(__dirname, '..', 'test', 'aws', 'support', 'fauxqs-server.mjs')]);
  const dynalite = await startChild<{ endpoint: string }>([join(__dirname, 'support', 'dynalite-child.ts')], { nodeArgs: ['--import', 'tsx'] });
  const secrets = await startFakeSecrets({ [SOURCE_ARN]: { writeKey: WRITE_KEY }, [FN_ARN]: { apiKey: 'sk_live_bench_0123456789' } });
  const sink = await startSink();
  const sqsEndpoint = `http://sqs.us-east-1.localhost:${fauxqs.info.port}`;
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const sqs = new SQSClient({ endpoint: sqsEndpoint, region: 'us-east-1', credentials });
  const ddb = new DynamoDBClient({ endpoint: dynalite.info.endpoint, region: 'us-east-1', credentials });
  try {
    const createQueue = async (name: string) => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '30' } }));
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      return { url: QueueUrl!, arn: attrs.Attributes!.QueueArn! };
    };
    const fnQueue = await createQueue('webhook');
    const rawQueue = await createQueue('raw');
    await createDeliveryTable(ddb, TABLE);

    const fnDir = stageWebhookFunction(root, `${sink.url}/hook`);

    Object.assign(process.env, {
      AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_SQS: sqsEndpoint, AWS_ENDPOINT_URL_DYNAMODB: dynalite.info.endpoint, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      POWERTOOLS_SERVICE_NAME: 'destfn', POWERTOOLS_METRICS_NAMESPACE: 'destfn',
      DESTFN_FUNCTIONS: JSON.stringify([{ name: 'webhook', queueUrl: fnQueue.url, sources: null, filter: null }]),
      DESTFN_SOURCE_SECRETS: JSON.stringify({ dev: SOURCE_ARN }),
    });
    const { ingest, destination } = loadShippedHandlers({
        ...process.env, DESTFN_FUNCTION_NAME: 'webhook', DESTFN_FUNCTION_DIR: fnDir, DESTFN_TABLE_NAME: TABLE,
        DESTFN_SECRET_ARN: FN_ARN, DESTFN_QUEUE_URL: fnQueue.url,
      });
    note(`${EVENTS} events: /v1/batch of ${BATCH} → ingest handler (${INGEST_CONCURRENCY} in flight) → fauxqs → ${POLLERS} pollers × destination handler (10 records) → sink`);

    // ---- through the handlers
    const handlersRun = async (events: number, run: string) => {
      sink.reset();
      const target = sink.count + events;
      let sent = 0;
      let failures = 0;
      let done = false;
      const started = now();
      const lanes = Array.from({ length: INGEST_CONCURRENCY }, async () => {
        while (sent < events) {
          sent += BATCH;
          const res = await ingest(apiEvent(batchBody(run)), context('destfn-ingest'));
          if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}: ${String(res.body).slice(0, 300)}`);
        }
      });
      const pollers = Array.from({ length: POLLERS }, async () => {
        while (!done) {
          const records = await receive(sqs, fnQueue.url, fnQueue.arn);
          if (records.length === 0) continue;
          const response = await destination({ Records: records }, context('destfn-webhook'));
          failures += response.batchItemFailures.length;
          const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
          await deleteAll(sqs, fnQueue.url, records.filter((r) => !failed.has(r.messageId)));
        }
      });
      await Promise.all(lanes);
      const ingested = now();
      await sink.waitFor(target, TIMEOUT_MS);
      done = true;
      await Promise.all(pollers);
      return { seconds: (sink.lastAt - started) / 1000, ingestSeconds: (ingested - started) / 1000, failures };
    };
    await quietly(() => handlersRun(500, 'warm')); // cold start of both handlers, connections, JIT
    const cpu = () => ({ own: ownCpuMs(), sqs: processCpuMs(fauxqs.pid), ddb: processCpuMs(dynalite.pid) });
    const perEvent = (a: ReturnType<typeof cpu>, b: ReturnType<typeof cpu>) =>
      `this process (handlers + sink) ${((b.own - a.own) * 1000 / EVENTS).toFixed(0)} µs, fauxqs ${((b.sqs - a.sqs) * 1000 / EVENTS).toFixed(0)} µs, dynalite ${((b.ddb - a.ddb) * 1000 / EVENTS).toFixed(0)} µs`;
    const c0 = cpu();
    const h = await quietly(() => handlersRun(EVENTS, 'run'));
    const c1 = cpu();
    const lat = [...sink.latencies].sort((a, b) => a - b);
    const handlersRate = EVENTS / h.seconds;
    note(`handlers, CPU per event: ${perEvent(c0, c1)}`);
    note(`handlers: all ingested after ${h.ingestSeconds.toFixed(2)} s (${(EVENTS / h.ingestSeconds).toFixed(0)} events/s), delivered after ${h.seconds.toFixed(2)} s; ${h.failures} records reported failed; ${sink.count - sink.distinct} duplicate deliveries; p50 ${percentile(lat, 50).toFixed(0)} ms, p99 ${percentile(lat, 99).toFixed(0)} ms ingest→delivered; Secrets Manager calls ${secrets.calls}`);

    // ---- raw SQS, same count, same bodies
    const rawRun = async (events: number) => {
      let sent = 0;
      let deleted = 0;
      const started = now();
      const lanes = Array.from({ length: INGEST_CONCURRENCY }, async () => {
        while (sent < events) {
          sent += BATCH;
          const bodies = (JSON.parse(batchBody('raw')) as { batch: object[] }).batch.map((e) => JSON.stringify(e));
          await Promise.all(Array.from({ length: BATCH / 10 }, (_, c) => sqs.send(new SendMessageBatchCommand({
            QueueUrl: rawQueue.url, Entries: bodies.slice(c * 10, c * 10 + 10).map((MessageBody, i) => ({ Id: String(i), MessageBody })),
          }))));
        }
      });
      const pollers = Array.from({ length: POLLERS }, async () => {
        while (deleted < events) {
          const records = await receive(sqs, rawQueue.url, rawQueue.arn);
          await deleteAll(sqs, rawQueue.url, records);
          deleted += records.length;
        }
      });
      await Promise.all([...lanes, ...pollers]);
      return (now() - started) / 1000;
    };
    await rawRun(500);
    const r0 = cpu();
    const rawSeconds = await rawRun(EVENTS);
    note(`raw SQS, CPU per message: ${perEvent(r0, cpu())}`);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: rawQueue.url })).catch(() => undefined);
    const rawRate = EVENTS / rawSeconds;
    note(`raw SQS: ${EVENTS} messages sent, received and deleted in ${rawSeconds.toFixed(2)} s`);
    printFigures([
      { name: 'aws_path.baseline_raw_sqs', value: rawRate, unit: 'messages/s (SendMessageBatch + ReceiveMessage + DeleteMessageBatch, fauxqs)', digits: 0 },
      { name: 'aws_path.handlers', value: handlersRate, unit: 'events/s (ingest handler → fauxqs → destination handler → sink)', digits: 0 },
      { name: 'aws_path.latency_p50', value: percentile(lat, 50), unit: 'ms ingest→delivered', digits: 0 },
      { name: 'aws_path.ratio', value: handlersRate / rawRate, unit: '× the baseline', digits: 2 },
    ]);
  } finally {
    sqs.destroy();
    ddb.destroy();
    await sink.close();
    await secrets.close();
    await dynalite.stop();
    await fauxqs.stop();
    restoreDns();
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });

/**
 * log-bytes: what the two Lambdas write to stdout and stderr (= CloudWatch Logs ingestion, besides Lambda's own
 * START/END/REPORT lines) per ingest request and per delivered event, for lib/COST.md.
 * The handlers are the bundles lib/ ships, run one invocation at a time with stdout counted: the ingest handler on
 * POST /v1/batch (100 events) and /v1/track (1 event) → fauxqs; the destination handler on batches of 10 (and of
 * 1) received from fauxqs → the webhook example → an HTTP sink, recording in dynalite. The Lambda context and the
 * X-Ray trace id have the length they have on AWS, because Powertools puts them on every line.
 *     npx tsx bench/log-bytes.ts [batches]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyEventV2, Context, SQSRecord } from 'aws-lambda';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { sampleEvent } from '../runtime/events/samples';
import { interceptLocalhostDns } from '../test/aws/support/localhost-dns';
import { startChild } from './support/child';
import { createDeliveryTable, loadShippedHandlers, stageWebhookFunction } from './support/shipped-lambdas';
import { startFakeSecrets } from './support/fake-secrets';
import { machineNote, note } from './support/report';
import { startSink } from './support/sink';

const BATCHES = Math.max(5, Number(process.argv[2]) || 20);
const REPO = resolve(__dirname, '..');
const TABLE = 'destfn-deliveries';
const WRITE_KEY = 'wk_bench_0123456789abcdef';
const SOURCE_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:SourcesDevSecretA1B2C3D4-AbCdEf';
const FN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:FunctionWebhookSecret-AbCdEf';
/** What CDK names the Lambdas: <stack>-<construct path, truncated>-<12 random characters>. */
const INGEST_NAME = 'Destfn-IngestHandler3EA8EDEE-AbCdEfGhIjKl';
const DESTINATION_NAME = 'Destfn-FunctionWebhookHandlerA46B04C3-MnOpQrStUvWx';


function context(functionName: string, memoryMb: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false, functionName, functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`, memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(), logGroupName: `/aws/lambda/${functionName}`, logStreamName: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000, done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}

function apiEvent(path: string, body: string): APIGatewayProxyEventV2 {
  const t = new Date();
  return {
    version: '2.0', routeKey: `POST ${path}`, rawPath: path, rawQueryString: '',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
    requestContext: {
      accountId: '123456789012', apiId: 'a1b2c3d4e5', domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com', domainPrefix: 'a1b2c3d4e5',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.45', userAgent: 'analytics-node-next/latest' },
      requestId: 'AbCdEfGhIjKlMnO=', routeKey: `POST ${path}`, stage: '$default', time: t.toISOString(), timeEpoch: t.getTime(),
    },
    body, isBase64Encoded: false,
  };
}

let seq = 0;
function trackEvent(): Record<string, unknown> {
  return { ...(sampleEvent('track') as unknown as Record<string, unknown>), messageId: `ajs-next-${randomUUID()}-${seq++}` };
}

/**
 * Stdout and stderr of one invocation (Lambda sends both to CloudWatch; Powertools writes warn and error to
 * stderr): bytes, and lines by kind (Powertools JSON lines by message, EMF blobs).
 */
async function counted<T>(work: () => Promise<T>): Promise<{ result: T; bytes: number; lines: Map<string, number[]> }> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) stream.write = ((chunk: unknown) => { chunks.push(String(chunk)); return true; }) as typeof stream.write;
  let result: T;
  try { result = await work(); } finally { streams.forEach((stream, i) => { stream.write = writes[i]; }); }
  const text = chunks.join('');
  const lines = new Map<string, number[]>();
  for (const line of text.split('\n').filter((l) => l.length > 0)) {
    let kind = 'other';
    try {
      const json = JSON.parse(line) as Record<string, unknown>;
      kind = '_aws' in json ? 'EMF metrics' : `log "${String(json.message)}"`;
    } catch { /* not JSON */ }
    lines.set(kind, [...(lines.get(kind) ?? []), Buffer.byteLength(line) + 1]);
  }
  return { result, bytes: Buffer.byteLength(text), lines };
}

function describe(label: string, runs: Array<{ bytes: number; lines: Map<string, number[]> }>, per: number, unit: string): void {
  const total = runs.reduce((sum, r) => sum + r.bytes, 0);
  note(`${label}: ${(total / runs.length / per).toFixed(0)} bytes of output per ${unit} (${runs.length} invocations)`);
  const kinds = new Map<string, number[]>();
  for (const run of runs) for (const [kind, sizes] of run.lines) kinds.set(kind, [...(kinds.get(kind) ?? []), ...sizes]);
  for (const [kind, sizes] of kinds) {
    const sum = sizes.reduce((a, b) => a + b, 0);
    note(`    ${kind}: ${sizes.length} lines, ${(sum / sizes.length).toFixed(0)} bytes each on average`);
  }
}

async function main(): Promise<void> {
  machineNote();
  const restoreDns = interceptLocalhostDns();
  const root = mkdtempSync(join(tmpdir(), 'destfn-bench-logs-'));
  const fauxqs = await startChild<{ port: number }>([join(REPO, 'test', 'aws', 'support', 'fauxqs-server.mjs')]);
  const dynalite = await startChild<{ endpoint: string }>([join(__dirname, 'support', 'dynalite-child.ts')], { nodeArgs: ['--import', 'tsx'] });
  // The function's secret as the stack creates it: an empty object (no sharedSecret set).
  const secrets = await startFakeSecrets({ [SOURCE_ARN]: { writeKey: WRITE_KEY }, [FN_ARN]: {} });
  const sink = await startSink();
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const sqs = new SQSClient({ endpoint: `http://sqs.us-east-1.localhost:${fauxqs.info.port}`, region: 'us-east-1', credentials });
  const ddb = new DynamoDBClient({ endpoint: dynalite.info.endpoint, region: 'us-east-1', credentials });
  try {
    const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'webhook', Attributes: { VisibilityTimeout: '30' } }));
    await createDeliveryTable(ddb, TABLE);
    const fnDir = stageWebhookFunction(root, `${sink.url}/hook`);

    Object.assign(process.env, {
      AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_SQS: `http://sqs.us-east-1.localhost:${fauxqs.info.port}`, AWS_ENDPOINT_URL_DYNAMODB: dynalite.info.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      POWERTOOLS_SERVICE_NAME: 'destfn', POWERTOOLS_METRICS_NAMESPACE: 'destfn',
      // Set by Lambda for every invocation; Powertools copies it onto each log line.
      _X_AMZN_TRACE_ID: 'Root=1-6790a1b2-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0;Lineage=1:0a1b2c3d:0',
      DESTFN_FUNCTIONS: JSON.stringify([{ name: 'webhook', queueUrl, sources: null, filter: null }]),
      DESTFN_SOURCE_SECRETS: JSON.stringify({ dev: SOURCE_ARN }),
    });
    const { ingest, destination } = loadShippedHandlers({
        ...process.env, DESTFN_FUNCTION_NAME: 'webhook', DESTFN_FUNCTION_DIR: fnDir, DESTFN_TABLE_NAME: TABLE,
        DESTFN_SECRET_ARN: FN_ARN, DESTFN_QUEUE_URL: queueUrl!,
        DESTFN_RECORD_CONCURRENCY: '5', // what the stack sets for the default maxConcurrency 10
      });

    const ingestRuns = async (path: string, body: () => string, n: number) => {
      const runs = [];
      for (let i = 0; i < n; i++) {
        const run = await counted(() => ingest(apiEvent(path, body()), context(INGEST_NAME, 512)));
        if (run.result.statusCode !== 200) throw new Error(`ingest answered ${run.result.statusCode}: ${String(run.result.body)}`);
        runs.push(run);
      }
      return runs;
    };
    const batchRuns = await ingestRuns('/v1/batch', () => JSON.stringify({ batch: Array.from({ length: 100 }, trackEvent) }), BATCHES);
    const singleRuns = await ingestRuns('/v1/track', () => JSON.stringify(trackEvent()), BATCHES);

    const deliver = async (max: number) => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: max, MessageSystemAttributeNames: ['All'] }));
      const records: SQSRecord[] = (out.Messages ?? []).map((m) => ({
        messageId: m.MessageId!, receiptHandle: m.ReceiptHandle!, body: m.Body ?? '', messageAttributes: {}, md5OfBody: m.MD5OfBody ?? '',
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1', SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: 'AROAEXAMPLE:Destfn-IngestHandler', ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:Destfn-FunctionWebhookQueue-AbCdEfGhIjKl', awsRegion: 'us-east-1',
      }));
      const run = await counted(() => destination({ Records: records }, context(DESTINATION_NAME, 256)));
      if (run.result.batchItemFailures.length > 0) throw new Error(`${run.result.batchItemFailures.length} records failed`);
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: records.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }));
      return { ...run, events: records.length };
    };
    const cold = await deliver(10);
    const batches = [];
    for (let i = 0; i < BATCHES; i++) batches.push(await deliver(10));
    const singles = [];
    for (let i = 0; i < BATCHES; i++) singles.push(await deliver(1));
    if (batches.some((b) => b.events !== 10) || singles.some((b) => b.events !== 1) || cold.events !== 10) {
      throw new Error('fauxqs returned short batches; the per-event figures would be off');
    }

    describe('ingest, POST /v1/batch of 100 events', batchRuns, 1, 'request');
    describe('ingest, POST /v1/track (1 event)', singleRuns, 1, 'request');
    describe('destination, batches of 10 (warm)', batches, 10, 'delivered event');
    describe('destination, first batch of 10 (cold start)', [cold], 10, 'delivered event');
    describe('destination, batches of 1 (warm)', singles, 1, 'delivered event');

    const items = (await ddb.send(new ScanCommand({ TableName: TABLE, Limit: 50 }))).Items ?? [];
    const sizes = items.map((item) => Object.entries(item).reduce((sum, [name, value]) => sum + name.length + JSON.stringify(Object.values(value)[0]).length, 0));
    note(`delivery record: ${items.length} items scanned, at most ${Math.max(...sizes)} bytes (attribute names + values as JSON, an upper bound of DynamoDB's item size)`);
    note(`sink received ${sink.count} requests`);
  } finally {
    restoreDns();
    sqs.destroy();
    ddb.destroy();
    await Promise.all([fauxqs.stop(), dynalite.stop(), secrets.close(), sink.close()]);
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

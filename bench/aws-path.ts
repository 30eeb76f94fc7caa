/**
 * aws-path: the AWS handlers run here the way Lambda runs them, the lib/ bundles (minified, @aws-sdk external)
 * loaded in this process; fauxqs (SQS) and dynalite (delivery records + dedupe) in child processes, each behind
 * a metering proxy (support/aws-meter.ts) that counts what AWS would bill; Secrets Manager is a fake HTTP
 * endpoint (no emulator exists); the destinations are plain node http servers.
 *
 * 1. Throughput ratio: POST /v1/batch (100 events) → ingest handler (4 in flight) → SQS → 5 pollers receiving 10
 *    and invoking the destination handler → the webhook example → a sink that answers at once. Baseline: the same
 *    messages sent, received and deleted through the same SQS path without the handlers. Figure: the ratio.
 * 2. Defaults at a 100 ms destination (issue 15), metered for cost (issue 14): events of ~1 KB in batches of 15
 *    (analytics-node's flushAt) through the ingest handler, then delivered from the queue by the event source as
 *    the template configures it for function.json's defaults (lib/function-timing.ts: batch size, batching
 *    window, maximum concurrency, records at once) to a sink answering after 100 ms. Figures: events/s
 *    delivered, and the cost per 1M events from the counted calls, units, billed Lambda milliseconds and log bytes.
 * The metered run invokes each Lambda one call at a time, so that each invocation's wall time (its billed
 * duration) and CPU are its own, not shared with others on this process's event loop (Lambda runs each on its
 * own instance). The throughput is measured by a second run of the event source at its configured concurrency,
 * in this one process (every invocation shares its CPU).
 * 3. Delivery throughput with the defaults (issue 15 §1), the invocations in processes of their own
 *    (support/delivery-throughput.ts), to a sink answering after 100 ms, then 0 ms, then 1 s (--sink-delays): the
 *    events in flight at the destination (the sink's peak of unanswered requests) against the template's 20 × 10.
 *     npx tsx bench/aws-path.ts [events] [--only=ratio|defaults|throughput] [--max-concurrency=N] [--client-batch=N] [--children=N] [--sink-delays=100,0,1000]
 * --max-concurrency replaces function.json's maxConcurrency (default: the schema default); --client-batch the
 * events per request (default 15, analytics-node; analytics.js batching mode sends 10); --children the processes
 * the throughput phase spreads the event source's concurrent invocations over (default 4). With BENCH_CPU_PROF=<dir>
 * in the environment, those processes write a V8 CPU profile each into <dir> (node --cpu-prof).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent, SQSBatchResponse } from 'aws-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { functionTiming } from '../lib/function-timing';
import { readFunctionDefinition } from '../runtime/function/definition';
import { RESOLVED_FUNCTION_FILE } from '../runtime/aws/resolved-function';
import { startChild } from './support/child';
import { createDeliveryTable, loadShippedHandlers, stageWebhookFunction, type DestinationHandler } from './support/shipped-lambdas';
import { startFakeSecrets } from './support/fake-secrets';
import { interceptLocalhostDns } from '../test/aws/support/localhost-dns'; // the tests' own helpers: one copy
import { fmt, machineNote, note, percentile, printFigures } from './support/report';
import { now, startSink, type Sink } from './support/sink';
import { ownCpuMs, processCpuMs } from './support/proc-cpu';
import { readMeterCounts, resetMeterCounts } from './support/aws-meter';
import { costPerMillion, sqsCallSummary, totalUsd, type LambdaCounts } from './support/aws-cost';
import { deleteDone, receive, receiveBatch, type QueueRef } from './support/event-source';
import { ANALYTICS_NODE_FLUSH_AT, apiEvent, batchBody } from './support/segment-batches';
import { lambdaContext as context } from './support/lambda-context';
import { deliveryThroughput } from './support/delivery-throughput';

const EVENTS = Math.max(1000, Math.round((Number(process.argv[2]) || 5000) / 100) * 100);
const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ONLY = option('only');
const MAX_CONCURRENCY = Number(option('max-concurrency')) || undefined;
const CLIENT_BATCH = Number(option('client-batch')) || ANALYTICS_NODE_FLUSH_AT;
const CHILDREN = Number(option('children')) || 4;
const RATIO_BATCH = 100;
const INGEST_CONCURRENCY = 4;
const POLLERS = 5;
const SINK_DELAY_MS = 100;
/**
 * The throughput phase's destinations: 100 ms (issue 15 §1), 0 ms (the CPU bound), and 1 s, where the events in flight
 * at the destination (the template's 20 invocations × 10 at once) are reached without the CPU limiting the rate.
 */
const THROUGHPUT_SINKS_MS = (option('sink-delays') ?? '100,0,1000').split(',').map(Number);
/** Events for the 1 s destination: enough to keep every invocation busy (20 × 105) for a few seconds. */
const SLOW_SINK_EVENTS = 4000;
const TIMEOUT_MS = 300_000;
/** What lib/ gives the Lambdas (lib/ingest-api.ts, lib/destination-function.ts). */
const INGEST_MEMORY_MB = 512;
const DESTINATION_MEMORY_MB = 256;
/** Lambda gives a function one vCPU at 1,769 MB, in proportion below. */
const LAMBDA_MB_PER_VCPU = 1769;
const TABLE = 'destfn-deliveries';
const WRITE_KEY = 'wk_bench_0123456789abcdef';
const SOURCE_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:destfn-source-dev';
const FN_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:destfn-fn-webhook';

/**
 * The handlers' stdout and stderr (CloudWatch Logs on Lambda) are swallowed and counted per Lambda: each call runs
 * in an async context naming its Lambda, so interleaved invocations are told apart. Invocations and billed
 * milliseconds (each call's wall time rounded up to 1 ms, as Lambda bills) are counted the same way.
 */
class LambdaMeter {
  private readonly which = new AsyncLocalStorage<LambdaCounts>();
  readonly ingest: LambdaCounts = { invocations: 0, billedMs: 0, cpuMs: 0, memoryMb: INGEST_MEMORY_MB, logBytes: 0 };
  readonly destination: LambdaCounts = { invocations: 0, billedMs: 0, cpuMs: 0, memoryMb: DESTINATION_MEMORY_MB, logBytes: 0 };
  unattributedBytes = 0;

  reset(): void {
    for (const c of [this.ingest, this.destination]) Object.assign(c, { invocations: 0, billedMs: 0, cpuMs: 0, logBytes: 0 });
    this.unattributedBytes = 0;
  }

  /** `cpuMs` is this process's CPU during the call: the call's own only when calls run one at a time. */
  async call<T>(counts: LambdaCounts, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const cpu = ownCpuMs();
    try {
      return await this.which.run(counts, work);
    } finally {
      counts.invocations++;
      counts.billedMs += Math.ceil(performance.now() - started);
      counts.cpuMs += ownCpuMs() - cpu;
    }
  }

  async quietly<T>(work: () => Promise<T>): Promise<T> {
    const streams = [process.stdout, process.stderr];
    const writes = streams.map((s) => s.write);
    for (const stream of streams) {
      stream.write = ((chunk: string | Uint8Array) => {
        const counts = this.which.getStore();
        const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
        if (counts) counts.logBytes += bytes;
        else this.unattributedBytes += bytes;
        return true;
      }) as typeof stream.write;
    }
    try { return await work(); } finally { streams.forEach((s, i) => { s.write = writes[i]; }); }
  }
}

async function main(): Promise<void> {
  machineNote();
  const restoreDns = interceptLocalhostDns();
  const root = mkdtempSync(join(tmpdir(), 'destfn-bench-aws-'));
  const fauxqs = await startChild<{ port: number }>([join(__dirname, '..', 'test', 'aws', 'support', 'fauxqs-server.mjs')]);
  const dynalite = await startChild<{ endpoint: string }>([join(__dirname, 'support', 'dynalite-child.ts')], { nodeArgs: ['--import', 'tsx'] });
  const meter = await startChild<{ sqsPort: number; dynamoPort: number }>(
    [join(__dirname, 'support', 'meter-child.ts'), String(fauxqs.info.port), new URL(dynalite.info.endpoint).port], { nodeArgs: ['--import', 'tsx'] });
  const sqsEndpoint = `http://sqs.us-east-1.localhost:${meter.info.sqsPort}`;
  const ddbEndpoint = `http://127.0.0.1:${meter.info.dynamoPort}`;
  const secrets = await startFakeSecrets({ [SOURCE_ARN]: { writeKey: WRITE_KEY }, [FN_ARN]: { apiKey: 'sk_live_bench_0123456789' } });
  const fastSink = await startSink();
  const slowSink = await startSink({ delayMs: SINK_DELAY_MS });
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const sqs = new SQSClient({ endpoint: sqsEndpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const ddb = new DynamoDBClient({ endpoint: ddbEndpoint, region: 'us-east-1', credentials });
  const lambdas = new LambdaMeter();
  try {
    const createQueue = async (name: string): Promise<QueueRef> => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '60' } }));
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      return { url: QueueUrl!, arn: attrs.Attributes!.QueueArn! };
    };
    const fnQueue = await createQueue('webhook');
    const rawQueue = await createQueue('raw');
    await createDeliveryTable(ddb, TABLE);

    Object.assign(process.env, {
      AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_SQS: sqsEndpoint, AWS_ENDPOINT_URL_DYNAMODB: ddbEndpoint, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      POWERTOOLS_SERVICE_NAME: 'destfn', POWERTOOLS_METRICS_NAMESPACE: 'destfn',
      DESTFN_FUNCTIONS: JSON.stringify([{ name: 'webhook', queueUrl: fnQueue.url, sources: null, filter: null }]),
      DESTFN_SOURCE_SECRETS: JSON.stringify({ dev: SOURCE_ARN }),
    });
    const destinationEnv = (sink: Sink, extra: Record<string, string> = {}) => ({
      ...process.env, DESTFN_FUNCTION_NAME: 'webhook', DESTFN_FUNCTION_DIR: stageWebhookFunction(mkdtempSync(join(root, 'fn-')), `${sink.url}/hook`),
      DESTFN_TABLE_NAME: TABLE, DESTFN_SECRET_ARN: FN_ARN, DESTFN_QUEUE_URL: fnQueue.url, ...extra,
    });
    const { ingest, destination } = loadShippedHandlers(destinationEnv(fastSink));
    const invokeIngest = (body: string) => lambdas.call(lambdas.ingest, () => ingest(apiEvent(body, WRITE_KEY), context('destfn-ingest')));
    const invoke = (handler: DestinationHandler, event: SQSEvent, timeoutMs?: number): Promise<SQSBatchResponse> =>
      lambdas.call(lambdas.destination, () => handler(event, context('destfn-webhook', timeoutMs)));

    /** Ingest `events` in requests of `batch` events, `lanes` requests in flight. */
    const ingestAll = async (events: number, batch: number, lanes: number) => {
      let sent = 0;
      await Promise.all(Array.from({ length: lanes }, async () => {
        while (sent < events) {
          const size = Math.min(batch, events - sent);
          sent += size;
          const res = await invokeIngest(batchBody(size));
          if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}: ${String(res.body).slice(0, 300)}`);
        }
      }));
    };

    if (ONLY === undefined || ONLY === 'ratio') await ratioPhase({ ingestAll, invoke: (event) => invoke(destination, event), sqs, fnQueue, rawQueue, sink: fastSink, fauxqs: fauxqs.pid, dynalite: dynalite.pid, quietly: (w) => lambdas.quietly(w) });

    if (ONLY === undefined || ONLY === 'throughput') {
      const def = readFunctionDefinition(join(__dirname, '..', 'functions', 'webhook'));
      const timing = functionTiming({ ...def.config, maxConcurrency: MAX_CONCURRENCY ?? def.config.maxConcurrency });
      const handlersEnv = {
        ...process.env, AWS_ENDPOINT_URL_SQS: `http://sqs.us-east-1.localhost:${fauxqs.info.port}`, AWS_ENDPOINT_URL_DYNAMODB: dynalite.info.endpoint,
        DESTFN_FUNCTION_NAME: 'webhook', DESTFN_TABLE_NAME: TABLE, DESTFN_SECRET_ARN: FN_ARN, DESTFN_QUEUE_URL: fnQueue.url,
      };
      note(`throughput: ${EVENTS} events queued first (requests of ${CLIENT_BATCH}), then ${timing.maxConcurrency} invocations (batch ${timing.batchSize}, ${timing.recordParallelism} events at once each) in ${CHILDREN} processes; sink, fauxqs, dynalite in their own`);
      for (const delayMs of THROUGHPUT_SINKS_MS) {
        const events = delayMs >= 1000 ? Math.min(EVENTS, SLOW_SINK_EVENTS) : EVENTS;
        const r = await lambdas.quietly(() => deliveryThroughput({
          events, children: CHILDREN, timing, fnQueue, root, env: handlersEnv, timeoutMs: TIMEOUT_MS,
          fill: (n) => ingestAll(n, CLIENT_BATCH, INGEST_CONCURRENCY), servers: { fauxqs: fauxqs.pid, dynalite: dynalite.pid },
        }, delayMs));
        note(`throughput, ${delayMs} ms sink: ${events} delivered in ${fmt(r.seconds, 2)} s; ${r.invocations} invocations, ${r.failures} reported failed; ${fmt(r.busyCores, 2)} busy cores; CPU ${r.cpu}; adaptive concurrency limit per instance ${r.limits}; at most ${r.peakInFlight} events in flight at the destination (template: ${timing.maxConcurrency} × ${timing.recordParallelism} = ${timing.maxConcurrency * timing.recordParallelism})`);
        machineNote();
        printFigures([{ name: `aws_path.throughput_${delayMs}ms_sink`, value: r.rate, unit: `events/s delivered, invocations in ${CHILDREN} processes, to a ${delayMs} ms destination`, digits: 0 }]);
      }
    }

    if (ONLY === undefined || ONLY === 'defaults') {
      const def = readFunctionDefinition(join(__dirname, '..', 'functions', 'webhook'));
      const config = { ...def.config, maxConcurrency: MAX_CONCURRENCY ?? def.config.maxConcurrency };
      const timing = functionTiming(config);
      const windowSeconds = (timing as { maxBatchingWindowSeconds?: number }).maxBatchingWindowSeconds ?? 0;
      const slow = createDestinationHandlerFrom(destinationEnv(slowSink, { DESTFN_RECORD_CONCURRENCY: String(timing.recordParallelism) }), config.maxConcurrency);
      note(`defaults: function.json maxConcurrency ${config.maxConcurrency}${MAX_CONCURRENCY ? ' (--max-concurrency)' : ' (default)'}, timeoutSeconds ${def.config.timeoutSeconds} → event source batch ${timing.batchSize}, window ${windowSeconds} s, maximum concurrency ${timing.maxConcurrency}; ${timing.recordParallelism} records at once per invocation`);
      note(`defaults: template arithmetic ${timing.maxConcurrency} × ${timing.recordParallelism} in flight / ${SINK_DELAY_MS} ms = ${fmt((timing.maxConcurrency * timing.recordParallelism * 1000) / SINK_DELAY_MS, 0)} events/s at most`);
      // Warm both (cold start, connections), then measure from a clean slate.
      await lambdas.quietly(async () => {
        await ingestAll(200, CLIENT_BATCH, INGEST_CONCURRENCY);
        await drain(sqs, fnQueue, slowSink, 200, timing.maxConcurrency, timing.batchSize, windowSeconds * 1000, (e) => invoke(slow, e, timing.lambdaTimeoutSeconds * 1000));
      });
      await resetMeterCounts(meter.info.sqsPort);
      lambdas.reset();
      slowSink.reset();
      const c0 = { own: ownCpuMs(), sqs: processCpuMs(fauxqs.pid), ddb: processCpuMs(dynalite.pid) };
      const ingestStarted = now();
      await lambdas.quietly(() => ingestAll(EVENTS, CLIENT_BATCH, 1));
      const ingestSeconds = (now() - ingestStarted) / 1000;
      const delivery = await lambdas.quietly(() =>
        drain(sqs, fnQueue, slowSink, EVENTS, 1, timing.batchSize, windowSeconds * 1000, (e) => invoke(slow, e, timing.lambdaTimeoutSeconds * 1000)));
      const c1 = { own: ownCpuMs(), sqs: processCpuMs(fauxqs.pid), ddb: processCpuMs(dynalite.pid) };
      const metered = await readMeterCounts(meter.info.sqsPort);
      const drainCpuPerEvent = lambdas.destination.cpuMs / EVENTS; // ms: the destination handler (and the sink's share)
      const vcpu = DESTINATION_MEMORY_MB / LAMBDA_MB_PER_VCPU;
      // The throughput: the same again, the event source at its configured concurrency.
      const meteredLambdas = { ingest: { ...lambdas.ingest }, destination: { ...lambdas.destination } };
      await lambdas.quietly(() => ingestAll(EVENTS, CLIENT_BATCH, INGEST_CONCURRENCY));
      const rated = await lambdas.quietly(() =>
        drain(sqs, fnQueue, slowSink, EVENTS, timing.maxConcurrency, timing.batchSize, windowSeconds * 1000, (e) => invoke(slow, e, timing.lambdaTimeoutSeconds * 1000)));
      const rate = EVENTS / rated.seconds;
      Object.assign(lambdas.ingest, meteredLambdas.ingest);
      Object.assign(lambdas.destination, meteredLambdas.destination);
      note(`defaults, metered (one invocation at a time): ${EVENTS} events ingested in ${fmt(ingestSeconds, 2)} s, delivered from the queue in ${fmt(delivery.seconds, 2)} s; ${delivery.failures} reported failed; ${delivery.invocations} invocations (${fmt(EVENTS / delivery.invocations, 1)} events each)`);
      note(`defaults, throughput (${timing.maxConcurrency} invocations at a time, all in this one process): ${EVENTS} delivered from the queue in ${fmt(rated.seconds, 2)} s; ${rated.failures} reported failed; ${slowSink.count - slowSink.distinct} duplicate deliveries over both runs`);
      note(`defaults: CPU per event: this process ${fmt(((c1.own - c0.own) * 1000) / EVENTS, 0)} µs, fauxqs ${fmt(((c1.sqs - c0.sqs) * 1000) / EVENTS, 0)} µs, dynalite ${fmt(((c1.ddb - c0.ddb) * 1000) / EVENTS, 0)} µs`);
      note(`defaults: destination handler CPU ${fmt(drainCpuPerEvent * 1000, 0)} µs per event (with the sink's share): at ${DESTINATION_MEMORY_MB} MB a Lambda has ${fmt(vcpu, 3)} vCPU, so one instance delivers at most ~${fmt((vcpu * 1000) / drainCpuPerEvent, 0)} events/s if its CPU is as fast as this one's`);
      note(`SQS: ${sqsCallSummary(metered.sqs)}`);
      note(`DynamoDB: ${[...metered.dynamo.calls].map(([op, n]) => `${op} ${n}`).join(', ')}; ${fmt(metered.dynamo.rru, 1)} RRU, ${fmt(metered.dynamo.wru, 0)} WRU table, ${[...metered.dynamo.indexWru].map(([index, wru]) => `${fmt(wru, 0)} WRU ${index}`).join(', ')}`);
      note(`Lambda: ingest ${lambdas.ingest.invocations} invocations, ${fmt(lambdas.ingest.billedMs / lambdas.ingest.invocations, 1)} ms each, ${fmt(lambdas.ingest.logBytes / lambdas.ingest.invocations, 0)} log bytes each; destination ${lambdas.destination.invocations} invocations, ${fmt(lambdas.destination.billedMs / lambdas.destination.invocations, 1)} ms each, ${fmt(lambdas.destination.logBytes / EVENTS, 1)} log bytes per event`);
      const lines = costPerMillion({
        events: EVENTS, apiRequests: lambdas.ingest.invocations, ingest: lambdas.ingest, destination: lambdas.destination,
        sqs: metered.sqs, dynamo: metered.dynamo,
      });
      note('cost per 1M events (us-east-1 list prices; counts of this run × 1M / events):');
      for (const l of lines) note(`    ${l.item.padEnd(58)} ${l.count.padStart(22)}  $${l.usd.toFixed(4)}`);
      note(`    ${'total'.padEnd(58)} ${''.padStart(22)}  $${totalUsd(lines).toFixed(3)}`);
      // The same with each invocation's CPU time stretched to its memory's share of a vCPU (0.145 at 256 MB).
      const atShare = (l: LambdaCounts) => ({ ...l, billedMs: l.billedMs - l.cpuMs + (l.cpuMs * LAMBDA_MB_PER_VCPU) / l.memoryMb });
      const scaled = costPerMillion({
        events: EVENTS, apiRequests: lambdas.ingest.invocations, ingest: atShare(lambdas.ingest), destination: atShare(lambdas.destination),
        sqs: metered.sqs, dynamo: metered.dynamo,
      });
      for (const l of scaled.filter((x) => x.item.includes('compute ('))) note(`    at the memory's vCPU share: ${l.item.padEnd(30)} ${l.count.padStart(14)}  $${l.usd.toFixed(4)}`);
      note(`    ${'total with Lambda CPU at its memory share'.padEnd(58)} ${''.padStart(22)}  $${totalUsd(scaled).toFixed(3)}`);
      machineNote();
      printFigures([
        { name: 'aws_path.defaults_100ms_sink', value: rate, unit: `events/s delivered from the queue to a ${SINK_DELAY_MS} ms destination with the defaults`, digits: 0 },
        { name: 'aws_path.cost_per_million', value: totalUsd(lines), unit: `USD per 1M events (requests of ${CLIENT_BATCH} events of ~1 KB)`, digits: 3 },
        { name: 'aws_path.cost_per_million_cpu_share', value: totalUsd(scaled), unit: 'USD, the same with Lambda CPU time at its memory share of a vCPU', digits: 3 },
      ]);
    }
  } finally {
    sqs.destroy();
    ddb.destroy();
    await Promise.all([fastSink.close(), slowSink.close(), secrets.close(), meter.stop()]);
    await dynalite.stop();
    await fauxqs.stop();
    restoreDns();
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * A second destination handler from the bundle already loaded (its own clients, store and settings), its
 * function.json maxConcurrency set to `maxConcurrency` (what the stack would deploy).
 */
function createDestinationHandlerFrom(env: NodeJS.ProcessEnv, maxConcurrency: number): DestinationHandler {
  const dir = String(env.DESTFN_FUNCTION_DIR);
  const resolved = JSON.parse(readFileSync(join(dir, RESOLVED_FUNCTION_FILE), 'utf8')) as { config: Record<string, unknown> };
  writeFileSync(join(dir, RESOLVED_FUNCTION_FILE), JSON.stringify({ ...resolved, config: { ...resolved.config, maxConcurrency } }));
  return loadShippedHandlers(env).destination;
}

/** The event source as configured: `concurrency` invocations at a time, each on a batch gathered within the window. */
async function drain(
  sqs: SQSClient, queue: QueueRef, sink: Sink, events: number, concurrency: number, batchSize: number, windowMs: number,
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse>,
): Promise<{ seconds: number; failures: number; invocations: number }> {
  const target = sink.count + events;
  const started = now();
  let done = false;
  let failures = 0;
  let invocations = 0;
  const pollers = Array.from({ length: concurrency }, async () => {
    while (!done) {
      const records = await receiveBatch(sqs, queue, batchSize, windowMs);
      if (records.length === 0) continue;
      invocations++;
      const response = await invoke({ Records: records });
      failures += response.batchItemFailures.length;
      await deleteDone(sqs, queue, records, response);
    }
  });
  await sink.waitFor(target, TIMEOUT_MS);
  done = true;
  await Promise.all(pollers);
  return { seconds: (sink.lastAt - started) / 1000, failures, invocations };
}

interface RatioDeps {
  ingestAll(events: number, batch: number, lanes: number): Promise<void>;
  invoke(event: SQSEvent): Promise<SQSBatchResponse>;
  sqs: SQSClient;
  fnQueue: QueueRef;
  rawQueue: QueueRef;
  sink: Sink;
  fauxqs: number;
  dynalite: number;
  quietly<T>(work: () => Promise<T>): Promise<T>;
}

/** Phase 1: events/s through the handlers against the same SQS traffic without them. */
async function ratioPhase(d: RatioDeps): Promise<void> {
  note(`ratio: ${EVENTS} events: /v1/batch of ${RATIO_BATCH} → ingest handler (${INGEST_CONCURRENCY} in flight) → SQS → ${POLLERS} pollers × destination handler (10 records) → sink`);
  const handlersRun = async (events: number) => {
    d.sink.reset();
    const target = d.sink.count + events;
    let failures = 0;
    let done = false;
    const started = now();
    const pollers = Array.from({ length: POLLERS }, async () => {
      while (!done) {
        const records = await receive(d.sqs, d.fnQueue);
        if (records.length === 0) continue;
        const response = await d.invoke({ Records: records });
        failures += response.batchItemFailures.length;
        await deleteDone(d.sqs, d.fnQueue, records, response);
      }
    });
    await d.ingestAll(events, RATIO_BATCH, INGEST_CONCURRENCY);
    const ingested = now();
    await d.sink.waitFor(target, TIMEOUT_MS);
    done = true;
    await Promise.all(pollers);
    return { seconds: (d.sink.lastAt - started) / 1000, ingestSeconds: (ingested - started) / 1000, failures };
  };
  await d.quietly(() => handlersRun(500));
  const cpu = () => ({ own: ownCpuMs(), sqs: processCpuMs(d.fauxqs), ddb: processCpuMs(d.dynalite) });
  const perEvent = (a: ReturnType<typeof cpu>, b: ReturnType<typeof cpu>) =>
    `this process (handlers + sink) ${((b.own - a.own) * 1000 / EVENTS).toFixed(0)} µs, fauxqs ${((b.sqs - a.sqs) * 1000 / EVENTS).toFixed(0)} µs, dynalite ${((b.ddb - a.ddb) * 1000 / EVENTS).toFixed(0)} µs`;
  const c0 = cpu();
  const h = await d.quietly(() => handlersRun(EVENTS));
  const c1 = cpu();
  const lat = [...d.sink.latencies].sort((a, b) => a - b);
  const handlersRate = EVENTS / h.seconds;
  note(`ratio, handlers, CPU per event: ${perEvent(c0, c1)}`);
  note(`ratio, handlers: all ingested after ${h.ingestSeconds.toFixed(2)} s, delivered after ${h.seconds.toFixed(2)} s; ${h.failures} reported failed; ${d.sink.count - d.sink.distinct} duplicate deliveries; p50 ${percentile(lat, 50).toFixed(0)} ms, p99 ${percentile(lat, 99).toFixed(0)} ms ingest→delivered`);

  const rawRun = async (events: number) => {
    let sent = 0;
    let deleted = 0;
    const started = now();
    const lanes = Array.from({ length: INGEST_CONCURRENCY }, async () => {
      while (sent < events) {
        sent += RATIO_BATCH;
        const bodies = (JSON.parse(batchBody(RATIO_BATCH)) as { batch: object[] }).batch.map((e) => JSON.stringify(e));
        await Promise.all(Array.from({ length: RATIO_BATCH / 10 }, (_, c) => d.sqs.send(new SendMessageBatchCommand({
          QueueUrl: d.rawQueue.url, Entries: bodies.slice(c * 10, c * 10 + 10).map((MessageBody, i) => ({ Id: String(i), MessageBody })),
        }))));
      }
    });
    const pollers = Array.from({ length: POLLERS }, async () => {
      while (deleted < events) {
        const records = await receive(d.sqs, d.rawQueue);
        await deleteDone(d.sqs, d.rawQueue, records);
        deleted += records.length;
      }
    });
    await Promise.all([...lanes, ...pollers]);
    return (now() - started) / 1000;
  };
  await rawRun(500);
  const r0 = cpu();
  const rawSeconds = await rawRun(EVENTS);
  note(`ratio, raw SQS, CPU per message: ${perEvent(r0, cpu())}`);
  await d.sqs.send(new PurgeQueueCommand({ QueueUrl: d.rawQueue.url })).catch(() => undefined);
  const rawRate = EVENTS / rawSeconds;
  printFigures([
    { name: 'aws_path.baseline_raw_sqs', value: rawRate, unit: 'messages/s (SendMessageBatch + ReceiveMessage + DeleteMessageBatch, fauxqs)', digits: 0 },
    { name: 'aws_path.handlers', value: handlersRate, unit: 'events/s (ingest handler → SQS → destination handler → sink)', digits: 0 },
    { name: 'aws_path.latency_p50', value: percentile(lat, 50), unit: 'ms ingest→delivered', digits: 0 },
    { name: 'aws_path.ratio', value: handlersRate / rawRate, unit: '× the baseline', digits: 2 },
  ]);
}

main().then(() => process.exit(0), (err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });


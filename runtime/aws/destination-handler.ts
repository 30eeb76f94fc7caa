/**
 * The destination Lambda (SQS event source with ReportBatchItemFailures), shipped in the runtime layer.
 * Each SQS message holds one or more events (sqs-message.ts). `handler` is the entry point; the function folder
 * and its settings are loaded on the first batch (readDestinationConfig: the environment the stack writes, per
 * ./contract.ts).
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDedupeLookahead } from './dedupe-lookahead';
import { createDeliveryStore, PUT_LINGER_MS } from './delivery-store';
import { createDeliveryTelemetry } from './delivery-telemetry';
import { DESTINATION_ENV, readDestinationConfig, readPowertoolsConfig } from './contract';
import type { Env } from './env';
import { createFunctionLoader } from './function-loader';
import { destinationLimits, limitDelivery } from './limiter';
import type { EventJob, Invoked } from './event-processor';
import { createRecordProcessor } from './record-processor';
import { serializeByKey } from './serialize-by-key';
import { createVisibilityChanger } from './visibility';

type RecordHandler = (record: SQSRecord) => Promise<unknown>;

interface BatchRunner {
  handle: RecordHandler;
  /** Before each batch: no dedupe lookup of an earlier batch is used (also one that threw before finish()). */
  begin(): void;
  /** After each batch: its history page and its summary line and metrics. */
  finish(): Promise<void>;
}

export function createDestinationHandler(env: Env = process.env) {
  const { serviceName, metricsNamespace } = readPowertoolsConfig(env);
  const functionName = env[DESTINATION_ENV.functionName];
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({
    serviceName,
    namespace: metricsNamespace,
    ...(functionName ? { defaultDimensions: { function: functionName } } : {}),
  });
  let runner: BatchRunner | undefined;

  function getRunner(): BatchRunner {
    if (runner) return runner;
    const config = readDestinationConfig(env);
    const loader = createFunctionLoader({
      dir: config.functionDir,
      secretArn: config.secretArn,
      onLoad: (instance) => {
        if (instance.loadLogs.length > 0) logger.info('function loaded', { function: config.functionName, logs: instance.loadLogs });
      },
    });
    const store = createDeliveryStore({ tableName: config.tableName, putLingerMs: PUT_LINGER_MS });
    const lookahead = createDedupeLookahead(store.getEntry);
    const telemetry = createDeliveryTelemetry(config.functionName, logger, metrics);
    const processRecord = createRecordProcessor({
      functionName: config.functionName,
      loader,
      store: { getEntry: lookahead.getEntry, put: store.put, keep: store.keep },
      prefetch: lookahead.prefetch,
      changeVisibility: createVisibilityChanger(config.queueUrl),
      telemetry,
      log: logger,
      // Copies of one messageId one after another (whatever their message), so the second sees the first's record.
      wrapEvent: (processEvent) => serializeByKey((job: EventJob) => job.event.messageId, processEvent),
      // The calls to the destination as the delivery control allows. When none is left there, the records waiting to
      // share a BatchWriteItem go at once, with those of the calls just finished (written a few promise hops later).
      limitInvoke: limitDelivery(() => destinationLimits(config, loader.definition().config), (run: () => Promise<Invoked>) => run(), {
        failureOf: ({ outcome }) => (outcome.status === 'retry' ? outcome : null), // its error, Retry-After and whether the destination failed
        onIdle: () => setImmediate(store.flushWrites),
      }),
    });
    runner = {
      handle: processRecord,
      begin: () => lookahead.clear(),
      async finish() {
        telemetry.flush();
        try {
          await store.flushHistory();
        } catch (err) {
          // The events are settled and their own records written: only the listing misses them.
          logger.error('delivery history not written', { function: config.functionName, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        }
      },
    };
    return runner;
  }

  return middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { handle, begin, finish } = getRunner();
    begin();
    // A fully failed batch is answered like any other (all ids reported): their visibility is already set.
    const response = await processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
    await finish();
    return response;
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

export const handler = createDestinationHandler();

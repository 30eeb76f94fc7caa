/**
 * The destination Lambda (SQS event source with ReportBatchItemFailures), shipped in the runtime layer.
 * `handler` is the entry point; the function folder and its settings are loaded on the first batch
 * (readDestinationConfig: the environment the stack writes, per ./contract.ts).
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDeliveryStore } from './delivery-store';
import { createDeliveryTelemetry } from './delivery-telemetry';
import { DESTINATION_ENV, readDestinationConfig, readPowertoolsConfig } from './contract';
import type { Env } from './env';
import { createFunctionLoader } from './function-loader';
import { destinationLimits, limitDelivery } from './limiter';
import { createRecordProcessor, ReportedFailure } from './record-processor';
import { serializeByKey } from './serialize-by-key';
import { eventOf } from './sqs-event';
import { createVisibilityChanger } from './visibility';

type RecordHandler = (record: SQSRecord) => Promise<unknown>;

export function createDestinationHandler(env: Env = process.env) {
  const { serviceName, metricsNamespace } = readPowertoolsConfig(env);
  const functionName = env[DESTINATION_ENV.functionName];
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({
    serviceName,
    namespace: metricsNamespace,
    ...(functionName ? { defaultDimensions: { function: functionName } } : {}),
  });
  let recordHandler: RecordHandler | undefined;

  function getRecordHandler(): RecordHandler {
    if (recordHandler) return recordHandler;
    const config = readDestinationConfig(env);
    const loader = createFunctionLoader({
      dir: config.functionDir,
      secretArn: config.secretArn,
      onLoad: (instance) => {
        if (instance.loadLogs.length > 0) logger.info('function loaded', { function: config.functionName, logs: instance.loadLogs });
      },
    });
    const processRecord = createRecordProcessor({
      functionName: config.functionName,
      loader,
      store: createDeliveryStore({ tableName: config.tableName }),
      changeVisibility: createVisibilityChanger(config.queueUrl),
      telemetry: createDeliveryTelemetry(config.functionName, logger, metrics),
      log: logger,
    });
    const limited = limitDelivery(() => destinationLimits(config, loader.definition().config), async (record: SQSRecord) => {
      try {
        return await processRecord(record);
      } catch (err) {
        if (!(err instanceof ReportedFailure)) {
          // Dedupe store or function folder unusable: the message returns after the queue's visibility timeout.
          logger.error('record not processed', { messageId: record.messageId, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        }
        throw err;
      }
    });
    recordHandler = serializeByKey((record: SQSRecord) => eventOf(record)?.messageId ?? record.messageId, limited);
    return recordHandler;
  }

  return middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const handle = getRecordHandler();
    // A fully failed batch is answered like any other (all ids reported): their visibility is already set.
    return processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

export const handler = createDestinationHandler();

/**
 * The ingest Lambda (API Gateway HTTP API → SQS). `handler` is the Lambda entry point; configuration is loaded
 * on the first request (loadIngestConfig: the routing table in the code asset, the environment the stack writes,
 * per ./contract.ts).
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { jsonResponse, toIngestRequest } from './api-gateway';
import { readPowertoolsConfig } from './contract';
import type { Env } from './env';
import { loadIngestConfig } from './ingest-config';
import { createIngestService, type IngestResponse } from './ingest-service';
import { loadSourceCredentials } from './source-credentials';
import { createSqsSender } from './sqs-sender';
import type { IngestRequest } from '../ingest';

type Service = (req: IngestRequest) => Promise<IngestResponse>;

export function createIngestHandler(env: Env = process.env) {
  const { serviceName, metricsNamespace } = readPowertoolsConfig(env);
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ serviceName, namespace: metricsNamespace });
  let service: Promise<Service> | undefined;

  async function createService(): Promise<Service> {
    const client = new SQSClient({});
    const queueUrlOf = async (QueueName: string) => (await client.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl ?? '';
    const config = await loadIngestConfig(env, env.LAMBDA_TASK_ROOT ?? process.cwd(), queueUrlOf);
    return createIngestService({
      functions: config.functions,
      loadSources: () => loadSourceCredentials(config.sourceSecrets),
      sender: createSqsSender({ client }),
      log: logger,
      // Published at once, only when there is something to count (no empty-metrics warning per request).
      countRejected: (count) => {
        metrics.addMetric('RejectedEvents', MetricUnit.Count, count);
        metrics.publishStoredMetrics();
      },
    });
  }

  /** Loaded once; a failed load (e.g. GetQueueUrl throttled) is tried again on the next request. */
  function getService(): Promise<Service> {
    service ??= createService().catch((err: unknown) => {
      service = undefined;
      throw err;
    });
    return service;
  }

  return middy(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    let run: Service;
    try {
      run = await getService();
    } catch (err) {
      logger.error('ingest: invalid configuration', { error: err instanceof Error ? err.message : String(err) });
      return jsonResponse(500, { success: false, error: 'the ingest service is misconfigured' });
    }
    const response = await run(toIngestRequest(event));
    return jsonResponse(response.status, response.body);
  }).use(injectLambdaContext(logger));
}

export const handler = createIngestHandler();

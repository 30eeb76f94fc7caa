/**
 * The ingest Lambda's environment (names and format: runtime/aws/contract.ts), with a check at synth that the
 * routing table fits Lambda's environment size limit.
 */
import type { Stack } from 'aws-cdk-lib';
import { INGEST_ENV, ingestEnvironment, type IngestEnvironment } from '../runtime/aws/contract';
import type { DestinationFunction } from './destination-function';
import type { SourceSecret } from './source-secrets';

/** Lambda allows 4 KB for all environment variables together. */
export const LAMBDA_ENV_LIMIT_BYTES = 4096;
/** Upper bounds of the deploy-time values, for the size check at synth. */
const QUEUE_URL_BYTES = 140;
const SECRET_ARN_BYTES = 140;

export function ingestEnvironmentOf(
  stack: Stack,
  functions: readonly DestinationFunction[],
  sources: readonly SourceSecret[],
): Record<string, string> {
  const values = (queueUrl: (fn: DestinationFunction) => string, arn: (source: SourceSecret) => string): IngestEnvironment => ({
    functions: functions.map((fn) => ({
      name: fn.name,
      queueUrl: queueUrl(fn),
      sources: fn.subscription.sources ?? null,
      filter: fn.subscription.filter ?? null,
    })),
    sourceSecrets: Object.fromEntries(sources.map((source) => [source.name, arn(source)])),
  });

  const worstCase = ingestEnvironment(values(() => 'x'.repeat(QUEUE_URL_BYTES), () => 'x'.repeat(SECRET_ARN_BYTES)));
  const bytes = Object.values(INGEST_ENV).reduce((sum, name) => sum + Buffer.byteLength(name) + Buffer.byteLength(worstCase[name]), 0);
  if (bytes > LAMBDA_ENV_LIMIT_BYTES - 256) {
    throw new Error(
      `the ingest Lambda's routing table (${functions.length} functions, ${sources.length} sources) needs about ` +
        `${bytes} bytes of environment, over Lambda's ${LAMBDA_ENV_LIMIT_BYTES}-byte limit; shorten filters or split the stack`,
    );
  }

  return ingestEnvironment(
    values((fn) => fn.queue.queueUrl, (source) => source.secret.secretArn),
    (value) => stack.toJsonString(value),
  );
}

/**
 * The ingest Lambda's configuration, per the team contract:
 *   DESTFN_FUNCTIONS      = JSON [{"name","queueUrl","sources":string[]|null,"filter":string|null}]
 *   DESTFN_SOURCE_SECRETS = JSON {"<source>":"<secret arn>"}
 */
import { Stack } from 'aws-cdk-lib';
import type { DestinationFunction } from './destination-function';
import type { SourceSecret } from './source-secrets';

/** Lambda allows 4 KB for all environment variables together. */
export const LAMBDA_ENV_LIMIT_BYTES = 4096;
/** Upper bounds of the deploy-time values, for the size check at synth. */
const QUEUE_URL_BYTES = 140;
const SECRET_ARN_BYTES = 140;

export interface IngestFunctionEntry {
  name: string;
  queueUrl: string;
  sources: string[] | null;
  filter: string | null;
}

export function ingestEnvironment(
  stack: Stack,
  functions: readonly DestinationFunction[],
  sources: readonly SourceSecret[],
): Record<string, string> {
  const entries = (queueUrl: (fn: DestinationFunction) => string): IngestFunctionEntry[] =>
    functions.map((fn) => ({
      name: fn.name,
      queueUrl: queueUrl(fn),
      sources: fn.subscription.sources ?? null,
      filter: fn.subscription.filter ?? null,
    }));
  const secrets = (arn: (source: SourceSecret) => string): Record<string, string> =>
    Object.fromEntries(sources.map((source) => [source.name, arn(source)]));

  const worstCase = {
    DESTFN_FUNCTIONS: JSON.stringify(entries(() => 'x'.repeat(QUEUE_URL_BYTES))),
    DESTFN_SOURCE_SECRETS: JSON.stringify(secrets(() => 'x'.repeat(SECRET_ARN_BYTES))),
  };
  const bytes = Object.entries(worstCase).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > LAMBDA_ENV_LIMIT_BYTES - 256) {
    throw new Error(
      `the ingest Lambda's routing table (${functions.length} functions, ${sources.length} sources) needs about ` +
        `${bytes} bytes of environment, over Lambda's ${LAMBDA_ENV_LIMIT_BYTES}-byte limit; shorten filters or split the stack`,
    );
  }

  return {
    DESTFN_FUNCTIONS: stack.toJsonString(entries((fn) => fn.queue.queueUrl)),
    DESTFN_SOURCE_SECRETS: stack.toJsonString(secrets((source) => source.secret.secretArn)),
    POWERTOOLS_SERVICE_NAME: 'destfn',
    POWERTOOLS_METRICS_NAMESPACE: 'destfn',
  };
}

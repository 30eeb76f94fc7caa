/**
 * The contract between the CDK app (lib/) and what it deploys (the Lambda handlers in runtime/aws/, and the
 * `--aws` commands that find the deployed resources): the stack name, each Lambda's environment, the stack
 * outputs, the delivery table's index and key format. The stack writes with these, the runtime reads with
 * these, so each name exists once. The Lambda bundles include this file: keep its imports light (no
 * aws-cdk-lib, no zod).
 */
import { resolve } from 'node:path';
import { requireEnv, type Env } from './env';

/** The stack `npx cdk deploy` creates (bin/app.ts), and the one the `--aws` commands read by default. */
export const STACK_NAME = 'Destfn';

// ── Lambda environment ──────────────────────────────────────────────────────────────────────────────

/** Service name and metric namespace of every destfn Lambda (Powertools reads them from the environment). */
export const POWERTOOLS_SERVICE = 'destfn';
export const POWERTOOLS_ENV = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

export interface PowertoolsConfig {
  serviceName: string;
  metricsNamespace: string;
}

export function readPowertoolsConfig(env: Env): PowertoolsConfig {
  return {
    serviceName: env[POWERTOOLS_ENV.serviceName] || POWERTOOLS_SERVICE,
    metricsNamespace: env[POWERTOOLS_ENV.metricsNamespace] || POWERTOOLS_SERVICE,
  };
}

function powertoolsEnvironment(): Record<string, string> {
  return { [POWERTOOLS_ENV.serviceName]: POWERTOOLS_SERVICE, [POWERTOOLS_ENV.metricsNamespace]: POWERTOOLS_SERVICE };
}

/** A destination Lambda's configuration. */
export interface DestinationConfig {
  functionName: string;
  /** The function's own files: relative to the task root as the stack writes it, absolute once read. */
  functionDir: string;
  tableName: string;
  secretArn: string;
  queueUrl: string;
  /** Records of one batch handled at once (the stack derives it from function.json maxConcurrency). */
  recordConcurrency: number;
}

export const DESTINATION_ENV = {
  functionName: 'DESTFN_FUNCTION_NAME',
  functionDir: 'DESTFN_FUNCTION_DIR',
  tableName: 'DESTFN_TABLE_NAME',
  secretArn: 'DESTFN_SECRET_ARN',
  queueUrl: 'DESTFN_QUEUE_URL',
  recordConcurrency: 'DESTFN_RECORD_CONCURRENCY',
} as const satisfies Record<keyof DestinationConfig, string>;

/** Records of one batch handled at once when the environment does not say (the event source delivers batches of 10). */
export const DEFAULT_RECORD_CONCURRENCY = 10;

/** The stack side: a destination Lambda's environment variables. */
export function destinationEnvironment(config: DestinationConfig): Record<string, string> {
  return {
    [DESTINATION_ENV.functionName]: config.functionName,
    [DESTINATION_ENV.functionDir]: config.functionDir,
    [DESTINATION_ENV.tableName]: config.tableName,
    [DESTINATION_ENV.secretArn]: config.secretArn,
    [DESTINATION_ENV.queueUrl]: config.queueUrl,
    [DESTINATION_ENV.recordConcurrency]: String(config.recordConcurrency),
    ...powertoolsEnvironment(),
  };
}

/** The Lambda side, on the first invocation. functionDir is resolved against LAMBDA_TASK_ROOT, which Lambda sets. */
export function readDestinationConfig(env: Env): DestinationConfig {
  return {
    functionName: requireEnv(env, DESTINATION_ENV.functionName),
    functionDir: resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), requireEnv(env, DESTINATION_ENV.functionDir)),
    tableName: requireEnv(env, DESTINATION_ENV.tableName),
    secretArn: requireEnv(env, DESTINATION_ENV.secretArn),
    queueUrl: requireEnv(env, DESTINATION_ENV.queueUrl),
    recordConcurrency: positiveInt(env[DESTINATION_ENV.recordConcurrency], DEFAULT_RECORD_CONCURRENCY),
  };
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** One entry of the ingest Lambda's routing table: which events go to which function's queue. */
export interface IngestFunctionEntry {
  name: string;
  queueUrl: string;
  /** Only events of these sources; null: every source. */
  sources: string[] | null;
  /** The function.json filter expression; null: every event. */
  filter: string | null;
}

export interface IngestEnvironment {
  functions: IngestFunctionEntry[];
  /** Source name → ARN of its secret. */
  sourceSecrets: Record<string, string>;
}

/** Both hold JSON: DESTFN_FUNCTIONS an IngestFunctionEntry[], DESTFN_SOURCE_SECRETS {"<source>": "<secret arn>"}. */
export const INGEST_ENV = {
  functions: 'DESTFN_FUNCTIONS',
  sourceSecrets: 'DESTFN_SOURCE_SECRETS',
} as const satisfies Record<keyof IngestEnvironment, string>;

/**
 * The stack side: the ingest Lambda's environment variables. `toJson` serializes the JSON ones; the stack
 * passes Stack.toJsonString, which also serializes values only known at deploy time. The Lambda side, with
 * validation, is readIngestConfig (ingest-config.ts).
 */
export function ingestEnvironment(values: IngestEnvironment, toJson: (value: unknown) => string = JSON.stringify): Record<string, string> {
  return {
    [INGEST_ENV.functions]: toJson(values.functions),
    [INGEST_ENV.sourceSecrets]: toJson(values.sourceSecrets),
    ...powertoolsEnvironment(),
  };
}

// ── Stack outputs ───────────────────────────────────────────────────────────────────────────────────

export const STACK_OUTPUTS = {
  /** Ingest base URL. */
  apiUrl: 'ApiUrl',
  /** The delivery table. */
  tableName: 'TableName',
  alarmTopicArn: 'AlarmTopicArn',
  deployerPolicyArn: 'DeployerPolicyArn',
  operatorPolicyArn: 'OperatorPolicyArn',
} as const;

/** The deployed resources of one destination function, as stack outputs name them. */
export interface FunctionOutputs {
  queueUrl: string;
  dlqUrl: string;
  dlqArn: string;
  secretArn: string;
  logGroup: string;
}

/** "teams-notify" → TeamsNotifyQueueUrl, TeamsNotifyDlqUrl, TeamsNotifyDlqArn, TeamsNotifySecretArn, TeamsNotifyLogGroup. */
export function functionOutputNames(fn: string): FunctionOutputs {
  const id = pascalCase(fn);
  return {
    queueUrl: `${id}QueueUrl`,
    dlqUrl: `${id}DlqUrl`,
    dlqArn: `${id}DlqArn`,
    secretArn: `${id}SecretArn`,
    logGroup: `${id}LogGroup`,
  };
}

/** "web-shop" → WebShopSourceSecretArn. */
export function sourceSecretOutputName(source: string): string {
  return `${pascalCase(source)}SourceSecretArn`;
}

/**
 * The id of a function or source name in construct ids and output names.
 * "teams-notify" → "TeamsNotify"; "order_sync2" → "OrderSync2".
 */
export function pascalCase(name: string): string {
  const parts = name.split(/[^A-Za-z0-9]+/).filter((part) => part.length > 0);
  const pascal = parts.map((part) => part[0].toUpperCase() + part.slice(1)).join('');
  if (!pascal) throw new Error(`name "${name}" has no letters or digits to build a CloudFormation id from`);
  return pascal;
}

/** Throws when two names map to the same PascalCase id (their stack outputs would collide). */
export function assertDistinctIds(kind: string, names: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    const id = pascalCase(name);
    const other = seen.get(id);
    if (other !== undefined) {
      throw new Error(`${kind} "${other}" and "${name}" both map to the id "${id}"; rename one of them`);
    }
    seen.set(id, name);
  }
}

// ── Delivery table ──────────────────────────────────────────────────────────────────────────────────

/** The global secondary index of a function's records by (function, updatedAt): `destfn deliveries --aws`. */
export const BY_FUNCTION_INDEX = 'byFunction';

/** A delivery record's partition key: "<function>#<messageId>". */
export function recordKey(fn: string, messageId: string): string {
  return `${recordKeyPrefix(fn)}${messageId}`;
}

/** What every key of `fn`'s records starts with: the stack scopes a function's role to `<prefix>*` (IAM LeadingKeys). */
export function recordKeyPrefix(fn: string): string {
  return `${fn}#`;
}

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

/**
 * DESTFN_SOURCE_SECRETS holds {"<source>": "<secret arn>"}. DESTFN_FUNCTIONS (an IngestFunctionEntry[] with queue
 * URLs) is for running the handler outside a deployed stack (tests, benches): the stack writes the routing table
 * to INGEST_ROUTING_FILE instead, since Lambda's 4 KB environment holds about 20 entries.
 */
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
    ...ingestSourceEnvironment(values.sourceSecrets, toJson),
  };
}

/** What the stack writes into the ingest Lambda's environment: the source secrets only (the routing table is a file). */
export function ingestSourceEnvironment(sourceSecrets: Record<string, string>, toJson: (value: unknown) => string = JSON.stringify): Record<string, string> {
  return { [INGEST_ENV.sourceSecrets]: toJson(sourceSecrets), ...powertoolsEnvironment() };
}

/** The routing table in the ingest Lambda's code asset, next to index.js: an IngestRoutingFile. */
export const INGEST_ROUTING_FILE = 'routing.json';

/** One routing entry as synth knows it: the queue by name (its URL holds the account, known at deploy time). */
export interface IngestRoutingEntry {
  name: string;
  queueName: string;
  sources: string[] | null;
  filter: string | null;
}

export interface IngestRoutingFile {
  functions: IngestRoutingEntry[];
}

// ── Names of a function's resources ─────────────────────────────────────────────────────────────────

/**
 * Every resource of a deployed function has a name made of the stack name and the function name, so that the
 * policies of the ingest Lambda, the Operators and the Deployers name all functions with one prefix
 * (`functionResourceNames(stack, '')` + `*`) instead of one ARN each, which IAM's size limits do not allow for
 * 200 functions. Queues and DLQs have different prefixes: the ingest may send to queues only.
 */
export interface FunctionResourceNames {
  queue: string;
  dlq: string;
  lambda: string;
  logGroup: string;
  secret: string;
}

/** Lambda's limit for a function name (the tightest of the five). */
export const LAMBDA_NAME_MAX = 64;

export function functionResourceNames(stackName: string, fn: string): FunctionResourceNames {
  // An instance name "<folder>:<instance>" has a ":", which SQS and Lambda names do not allow.
  const part = fn.replace(/:/g, '--');
  return {
    queue: `${stackName}-fn-${part}`,
    dlq: `${stackName}-dlq-${part}`,
    lambda: `${stackName}-fn-${part}`,
    logGroup: `/destfn/${stackName}/functions/${part}`,
    secret: `destfn/${stackName}/functions/${part}`,
  };
}

/** The name prefixes shared by every function of the stack (policies add `*`). */
export function functionResourcePrefixes(stackName: string): FunctionResourceNames {
  return functionResourceNames(stackName, '');
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

/** The deployed resources of one destination function: the outputs of its nested stack. */
export interface FunctionOutputs {
  queueUrl: string;
  dlqUrl: string;
  dlqArn: string;
  secretArn: string;
  logGroup: string;
}

/** Output names of a function's nested stack: the keys of FunctionOutputs, PascalCase. */
export const FUNCTION_STACK_OUTPUTS = {
  queueUrl: 'QueueUrl',
  dlqUrl: 'DlqUrl',
  dlqArn: 'DlqArn',
  secretArn: 'SecretArn',
  logGroup: 'LogGroup',
} as const satisfies Record<keyof FunctionOutputs, string>;

/**
 * The logical id of a function's nested stack in the main stack: "teams-notify" → FunctionTeamsNotify. The
 * `--aws` commands find a function with it (DescribeStackResource), then read that stack's outputs.
 */
export function functionStackLogicalId(fn: string): string {
  return `${FUNCTION_STACK_ID_PREFIX}${pascalCase(fn)}`;
}

export const FUNCTION_STACK_ID_PREFIX = 'Function';

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

/** A global secondary index of the delivery table: its name, key attributes (strings) and projection. */
export interface DeliveryIndex { name: string; partition: string; sort: string; projection: 'ALL' | 'KEYS_ONLY' }

/**
 * A function's retrying and failed event items by (function, updatedAt), whole: `destfn deliveries --status
 * failed|retrying --aws`. History pages written before PAGES_INDEX are there too, under `<function>#history`.
 */
export const BY_FUNCTION_INDEX: DeliveryIndex = { name: 'byFunction', partition: 'function', sort: 'updatedAt', projection: 'ALL' };

/**
 * A function's history pages by (function, newest updatedAt of the page), keys only: a page's index entry costs
 * 1 WRU instead of the page's ~4 KB. `destfn deliveries --aws` reads the page keys here, then the pages.
 */
export const PAGES_INDEX: DeliveryIndex = { name: 'pagesByFunction', partition: 'hfn', sort: 'hat', projection: 'KEYS_ONLY' };

export const DELIVERY_INDEXES: readonly DeliveryIndex[] = [BY_FUNCTION_INDEX, PAGES_INDEX];

/** A delivery record's partition key: "<function>#<messageId>". */
export function recordKey(fn: string, messageId: string): string {
  return `${recordKeyPrefix(fn)}${messageId}`;
}

/** What every key of `fn`'s records starts with: the stack scopes a function's role to `<prefix>*` (IAM LeadingKeys). */
export function recordKeyPrefix(fn: string): string {
  return `${fn}#`;
}

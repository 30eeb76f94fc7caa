/**
 * The ingest Lambda's configuration. As deployed: the routing table from the file the stack puts in the code
 * asset (INGEST_ROUTING_FILE: queues by name, their URLs looked up at init) and the source secrets from the
 * environment. Outside a stack (tests, benches) the routing table may come from DESTFN_FUNCTIONS with queue URLs.
 * Names and formats: the contract, ./contract.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod'; // a namespace import lets esbuild drop the parts of zod not used (its locales: ~350 KB of the Lambda bundles)
import type { Subscriber } from '../routing/router';
import { INGEST_ENV, INGEST_ROUTING_FILE } from './contract';
import { parseJsonEnv, type Env } from './env';

export interface QueueSubscriber extends Subscriber { queueUrl: string }

export interface IngestConfig {
  functions: QueueSubscriber[];
  /** Source name → ARN of its secret. */
  sourceSecrets: Record<string, string>;
}

const subscription = {
  name: z.string().min(1),
  sources: z.array(z.string()).nullable().optional(),
  filter: z.string().nullable().optional(),
};
/** IngestFunctionEntry[], as the contract writes it. */
const functionsSchema = z.array(z.object({ ...subscription, queueUrl: z.string().min(1) }));
/** IngestRoutingFile. */
const routingFileSchema = z.object({ functions: z.array(z.object({ ...subscription, queueName: z.string().min(1) })) });
const sourceSecretsSchema = z.record(z.string(), z.string().min(1));

/** The configuration from the environment alone (DESTFN_FUNCTIONS with queue URLs). */
export function readIngestConfig(env: Env): IngestConfig {
  const functions = parse(functionsSchema, parseJsonEnv(env, INGEST_ENV.functions), `environment variable ${INGEST_ENV.functions}`);
  return { functions: functions.map((f) => subscriberOf(f, f.queueUrl)), sourceSecrets: readSourceSecrets(env) };
}

/**
 * The configuration as deployed: DESTFN_FUNCTIONS when set, else `<taskRoot>/routing.json`, whose queue names
 * become URLs with `queueUrlOf` (GetQueueUrl). One lookup is enough: every queue of the stack is in the same
 * account and region, so their URLs differ only by the name.
 */
export async function loadIngestConfig(env: Env, taskRoot: string, queueUrlOf: (queueName: string) => Promise<string>): Promise<IngestConfig> {
  if (env[INGEST_ENV.functions]) return readIngestConfig(env);
  const file = join(taskRoot, INGEST_ROUTING_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const message = (err as { message?: unknown } | null)?.message;
    throw new Error(`routing table ${file}: ${typeof message === 'string' ? message : String(err)}`);
  }
  const { functions } = parse(routingFileSchema, raw, `routing table ${INGEST_ROUTING_FILE}`);
  const sourceSecrets = readSourceSecrets(env);
  if (functions.length === 0) return { functions: [], sourceSecrets };
  const first = functions[0].queueName;
  const firstUrl = await queueUrlOf(first);
  if (!firstUrl.endsWith(`/${first}`)) throw new Error(`queue ${first} has the URL ${firstUrl}, which does not end with its name`);
  const base = firstUrl.slice(0, -first.length);
  return { functions: functions.map((f) => subscriberOf(f, `${base}${f.queueName}`)), sourceSecrets };
}

function subscriberOf(f: { name: string; sources?: string[] | null; filter?: string | null }, queueUrl: string): QueueSubscriber {
  return {
    name: f.name,
    queueUrl,
    ...(f.sources ? { sources: f.sources } : {}),
    ...(typeof f.filter === 'string' ? { filter: f.filter } : {}),
  };
}

function readSourceSecrets(env: Env): Record<string, string> {
  return parse(sourceSecretsSchema, parseJsonEnv(env, INGEST_ENV.sourceSecrets), `environment variable ${INGEST_ENV.sourceSecrets}`);
}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

/**
 * The ingest Lambda's configuration, read and validated from the environment the stack writes (names and
 * format: the contract, ./contract.ts).
 */
import * as z from 'zod'; // a namespace import lets esbuild drop the parts of zod not used (its locales: ~350 KB of the Lambda bundles)
import type { Subscriber } from '../routing/router';
import { INGEST_ENV } from './contract';
import { parseJsonEnv, type Env } from './env';

export interface QueueSubscriber extends Subscriber { queueUrl: string }

export interface IngestConfig {
  functions: QueueSubscriber[];
  /** Source name → ARN of its secret. */
  sourceSecrets: Record<string, string>;
}

/** IngestFunctionEntry[], as the contract writes it. */
const functionsSchema = z.array(z.object({
  name: z.string().min(1),
  queueUrl: z.string().min(1),
  sources: z.array(z.string()).nullable().optional(),
  filter: z.string().nullable().optional(),
}));
const sourceSecretsSchema = z.record(z.string(), z.string().min(1));

export function readIngestConfig(env: Env): IngestConfig {
  const functions = parse(functionsSchema, env, INGEST_ENV.functions);
  const sourceSecrets = parse(sourceSecretsSchema, env, INGEST_ENV.sourceSecrets);
  return {
    functions: functions.map((f) => ({
      name: f.name,
      queueUrl: f.queueUrl,
      ...(f.sources ? { sources: f.sources } : {}),
      ...(typeof f.filter === 'string' ? { filter: f.filter } : {}),
    })),
    sourceSecrets,
  };
}

function parse<T>(schema: z.ZodType<T>, env: Env, name: string): T {
  const result = schema.safeParse(parseJsonEnv(env, name));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`environment variable ${name}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

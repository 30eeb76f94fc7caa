/** The destination Lambda's configuration (team contract), read on the first invocation. */
import { resolve } from 'node:path';
import { requireEnv, type Env } from './env';

export interface DestinationConfig {
  functionName: string;
  functionDir: string;
  tableName: string;
  secretArn: string;
  queueUrl: string;
  /** Records of one batch handled at once (set by the stack from function.json maxConcurrency). */
  recordConcurrency: number;
}

export function readDestinationConfig(env: Env): DestinationConfig {
  return {
    functionName: requireEnv(env, 'DESTFN_FUNCTION_NAME'),
    // Relative to the task root (the stack sets "function"); Lambda sets LAMBDA_TASK_ROOT.
    functionDir: resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), requireEnv(env, 'DESTFN_FUNCTION_DIR')),
    tableName: requireEnv(env, 'DESTFN_TABLE_NAME'),
    secretArn: requireEnv(env, 'DESTFN_SECRET_ARN'),
    queueUrl: requireEnv(env, 'DESTFN_QUEUE_URL'),
    recordConcurrency: positiveInt(env.DESTFN_RECORD_CONCURRENCY, DEFAULT_RECORD_CONCURRENCY),
  };
}

/** Records of one batch handled at once when the stack does not say (the event source delivers batches of 10). */
export const DEFAULT_RECORD_CONCURRENCY = 10;

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

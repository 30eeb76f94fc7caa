/** The destination Lambda's configuration (team contract), read on the first invocation. */
import { requireEnv, type Env } from './env';

export interface DestinationConfig {
  functionName: string;
  functionDir: string;
  tableName: string;
  secretArn: string;
  queueUrl: string;
}

export function readDestinationConfig(env: Env): DestinationConfig {
  return {
    functionName: requireEnv(env, 'DESTFN_FUNCTION_NAME'),
    functionDir: requireEnv(env, 'DESTFN_FUNCTION_DIR'),
    tableName: requireEnv(env, 'DESTFN_TABLE_NAME'),
    secretArn: requireEnv(env, 'DESTFN_SECRET_ARN'),
    queueUrl: requireEnv(env, 'DESTFN_QUEUE_URL'),
  };
}

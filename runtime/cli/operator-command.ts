/**
 * Runs an operator command against the backend it asks for: the local engine's data, or the deployed stack
 * with --aws. The AWS backend (and with it the AWS SDK) is loaded only then: the local CLI never loads the SDK.
 */
import type { AwsTarget } from './aws/aws-config';
import { createLocalBackend } from './local/backend';
import type { OperatorBackend } from './operator-backend';

export interface BackendChoice {
  aws: boolean;
  /** The local engine's data directory (--data). */
  data?: string;
  /** Region and profile (--region, --profile) of --aws. */
  target?: AwsTarget;
}

/** Exit code 0 when `body` succeeds; otherwise prints `destfn <command>[ --aws]: <message>` and returns 1. */
export async function withOperatorBackend(
  command: string, choice: BackendChoice, body: (backend: OperatorBackend) => Promise<void>,
): Promise<number> {
  return withBackend(command, choice.aws, () => choice.aws
    ? (require('./aws/backend') as typeof import('./aws/backend')).createAwsBackend(choice.target ?? {})
    : createLocalBackend(choice.data), body);
}

/**
 * Opens a backend, runs `body` with it and closes it: exit code 0, or 1 after printing
 * `destfn <command>[ --aws]: <message>` (also when opening it fails).
 */
export async function withBackend<B extends { close(): void }>(
  command: string, aws: boolean, open: () => B, body: (backend: B) => Promise<void>,
): Promise<number> {
  let backend: B | undefined;
  try {
    backend = open();
    await body(backend);
    return 0;
  } catch (err) {
    process.stderr.write(`destfn ${command}${aws ? ' --aws' : ''}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    backend?.close();
  }
}

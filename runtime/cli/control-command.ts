/**
 * Runs `destfn pause|resume|status` against the backend it asks for (delivery-control-backend.ts): the local engine's
 * data, or with --aws the deployed stack (aws/control-backend.ts, loaded only then with the AWS SDK).
 */
import type { AwsTarget } from './aws/aws-config';
import type { DeliveryControlBackend } from './delivery-control-backend';
import { withBackend } from './operator-command';

export interface ControlChoice { aws: boolean; data?: string; target?: AwsTarget }

/** Exit code 0 when `body` succeeds; otherwise prints `destfn <command>[ --aws]: <message>` and returns 1. */
export async function withDeliveryControlBackend(
  command: string, choice: ControlChoice, body: (backend: DeliveryControlBackend) => Promise<void>,
): Promise<number> {
  return withBackend<DeliveryControlBackend>(command, choice.aws, () => choice.aws
    ? (require('./aws/control-backend') as typeof import('./aws/control-backend')).createAwsControlBackend(choice.target ?? {})
    : (require('./local/delivery-control') as typeof import('./local/delivery-control')).createLocalControlBackend(choice.data), body);
}

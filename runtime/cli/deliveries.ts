/** `destfn deliveries <fn>[:<instance>] [--status failed] [--json] [--limit n] [--data dir | --aws]`: the delivery records of a function. */
import type { DeliveryStatus } from '../delivery/outcome';
import { formatDeliveries, formatDeliveriesJson } from './format-deliveries';
import { withOperatorBackend } from './operator-command';
import { targetDeliveries } from './operator-targets';
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';

export const summary = 'show the delivery records of a function (status, attempts, last error)';

const STATUSES: readonly DeliveryStatus[] = ['delivered', 'discarded', 'retrying', 'failed', 'filtered'];
const USAGE = `usage: destfn deliveries <function>[:<instance>] [--status delivered|discarded|retrying|failed|filtered] [--json] [--limit n] [--data dir | ${AWS_USAGE}]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('deliveries', USAGE, argv, {
    status: { type: 'string' },
    json: { type: 'boolean', default: false },
    limit: { type: 'string', default: '100' },
    data: { type: 'string' },
    ...AWS_FLAGS,
  });
  if (!parsed) return 1;
  const { values, positionals } = parsed;
  const target = awsTargetOf('deliveries', USAGE, values);
  if (!target) return 1;
  const fn = positionals[0];
  const status = values.status as DeliveryStatus | undefined;
  const limit = Number(values.limit);
  if (!fn || positionals.length > 1 || (status !== undefined && !STATUSES.includes(status)) || !Number.isInteger(limit) || limit < 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  return withOperatorBackend('deliveries', { aws: values.aws, data: values.data, target }, async (backend) => {
    const records = await targetDeliveries(backend, fn, { status, limit });
    process.stdout.write(values.json ? formatDeliveriesJson(records) : formatDeliveries(records));
  });
}

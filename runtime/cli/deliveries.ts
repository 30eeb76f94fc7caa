/** `destfn deliveries <fn> [--status failed] [--json] [--limit n] [--data dir]`: the delivery records of a function. */
import type { DeliveryStatus } from '../delivery/outcome';
import { RecordStore } from '../local/records';
import { formatDeliveries, formatDeliveriesJson } from './format-deliveries';
import { openLocalData } from './local-data';
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';

export const summary = 'show the delivery records of a function (status, attempts, last error)';

const STATUSES: readonly DeliveryStatus[] = ['delivered', 'discarded', 'retrying', 'failed', 'filtered'];
const USAGE = `usage: destfn deliveries <function> [--status delivered|discarded|retrying|failed|filtered] [--json] [--limit n] [--data dir | ${AWS_USAGE}]\n`;

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
  if (values.aws) return (require('./aws/cli-commands') as typeof import('./aws/cli-commands')).deliveriesAwsCommand(fn, { status, limit, json: values.json }, target);
  let local;
  try {
    local = openLocalData(values.data);
  } catch (err) {
    process.stderr.write(`destfn deliveries: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const records = new RecordStore(local.db).deliveries(fn, { status, limit });
    process.stdout.write(values.json ? formatDeliveriesJson(records) : formatDeliveries(records));
    return 0;
  } finally {
    local.db.close();
  }
}

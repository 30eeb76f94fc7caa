/** `destfn pause <fn> [--reason text] [--data dir | --aws]`: stop delivering a function's events; they wait in its queue. */
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';
import { withDeliveryControlBackend } from './control-command';

export const summary = "pause a function's delivery (its events wait in the queue, keeping their attempts)";

const USAGE = `usage: destfn pause <function> [--reason text] [--data dir | ${AWS_USAGE}]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('pause', USAGE, argv, { reason: { type: 'string' }, data: { type: 'string' }, ...AWS_FLAGS });
  if (!parsed) return 1;
  const target = awsTargetOf('pause', USAGE, parsed.values);
  if (!target) return 1;
  const fn = parsed.positionals[0];
  if (!fn || parsed.positionals.length > 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  const reason = parsed.values.reason ?? 'destfn pause';
  return withDeliveryControlBackend('pause', { aws: parsed.values.aws, data: parsed.values.data, target }, async (backend) => {
    process.stdout.write(await backend.pause(fn, reason));
  });
}

/** `destfn status [fn] [--json] [--data dir | --aws]`: delivery control per function: limit, latency, recent outcomes, paused and why. */
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';
import { withDeliveryControlBackend } from './control-command';

export const summary = 'show how each function delivers: concurrency limit, latency, last minute, paused and why';

const USAGE = `usage: destfn status [function] [--json] [--data dir | ${AWS_USAGE}]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('status', USAGE, argv, { data: { type: 'string' }, json: { type: 'boolean', default: false }, ...AWS_FLAGS });
  if (!parsed) return 1;
  const target = awsTargetOf('status', USAGE, parsed.values);
  if (!target) return 1;
  if (parsed.positionals.length > 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  return withDeliveryControlBackend('status', { aws: parsed.values.aws, data: parsed.values.data, target }, async (backend) => {
    process.stdout.write(await backend.status(parsed.positionals[0], parsed.values.json ? 'json' : 'text'));
  });
}

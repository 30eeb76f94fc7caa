/** `destfn resume <fn> [--data dir | --aws]`: deliver a paused function's events again. */
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';
import { withDeliveryControlBackend } from './control-command';

export const summary = 'resume the delivery of a function paused by `destfn pause`';

const USAGE = `usage: destfn resume <function> [--data dir | ${AWS_USAGE}]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('resume', USAGE, argv, { data: { type: 'string' }, ...AWS_FLAGS });
  if (!parsed) return 1;
  const target = awsTargetOf('resume', USAGE, parsed.values);
  if (!target) return 1;
  const fn = parsed.positionals[0];
  if (!fn || parsed.positionals.length > 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  return withDeliveryControlBackend('resume', { aws: parsed.values.aws, data: parsed.values.data, target }, async (backend) => {
    process.stdout.write(await backend.resume(fn));
  });
}

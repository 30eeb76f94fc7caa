/** `destfn replay <fn>[:<instance>] [--data dir | --aws]`: move a function's DLQ back to its queue (locally: engine running or not). */
import { withOperatorBackend } from './operator-command';
import { targetReplay } from './operator-targets';
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';

export const summary = "move a function's dead-lettered events back to its queue";

const USAGE = `usage: destfn replay <function>[:<instance>] [--data dir | ${AWS_USAGE}]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('replay', USAGE, argv, { data: { type: 'string' }, ...AWS_FLAGS });
  if (!parsed) return 1;
  const target = awsTargetOf('replay', USAGE, parsed.values);
  if (!target) return 1;
  const fn = parsed.positionals[0];
  if (!fn || parsed.positionals.length > 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  return withOperatorBackend('replay', { aws: parsed.values.aws, data: parsed.values.data, target }, async (backend) => {
    process.stdout.write(await targetReplay(backend, fn));
  });
}

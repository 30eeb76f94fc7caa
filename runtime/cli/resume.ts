/** `destfn resume <fn> [--data dir]`: deliver a paused function's events again. */
import { parseCommandArgs } from './args';
import { withDeliveryControlBackend } from './control-command';

export const summary = 'resume the delivery of a function paused by `destfn pause`';

const USAGE = `usage: destfn resume <function> [--data dir]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('resume', USAGE, argv, { data: { type: 'string' } });
  if (!parsed) return 1;
  const fn = parsed.positionals[0];
  if (!fn || parsed.positionals.length > 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  return withDeliveryControlBackend('resume', { aws: false, data: parsed.values.data }, async (backend) => {
    process.stdout.write(await backend.resume(fn));
  });
}

/** `destfn status [fn] [--data dir]`: delivery control per function: limit, latency, recent outcomes, paused and why. */
import { parseCommandArgs } from './args';
import { withDeliveryControlBackend } from './control-command';

export const summary = 'show how each function delivers: concurrency limit, latency, last minute, paused and why';

const USAGE = `usage: destfn status [function] [--data dir]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('status', USAGE, argv, { data: { type: 'string' } });
  if (!parsed) return 1;
  if (parsed.positionals.length > 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  return withDeliveryControlBackend('status', { aws: false, data: parsed.values.data }, async (backend) => {
    process.stdout.write(await backend.status(parsed.positionals[0]));
  });
}

/** `destfn replay <fn> [--data dir]`: move a function's DLQ back to its queue (engine running or not). */
import { Queue } from '../local/queue';
import { runningEnginePid } from '../local/lock';
import { openLocalData } from './local-data';
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';

export const summary = "move a function's dead-lettered events back to its queue";

const USAGE = `usage: destfn replay <function> [--data dir | ${AWS_USAGE}]\n`;

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
  if (parsed.values.aws) return (require('./aws/cli-commands') as typeof import('./aws/cli-commands')).replayAwsCommand(fn, target);
  let local;
  try {
    local = openLocalData(parsed.values.data);
  } catch (err) {
    process.stderr.write(`destfn replay: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const moved = new Queue(local.db).replay(fn);
    const pid = runningEnginePid(local.dataDir);
    const next = moved === 0 ? '' : pid !== null
      ? ` The running engine (pid ${pid}) delivers them now.`
      : ' They are delivered when the engine starts (npm start).';
    process.stdout.write(`replay: moved ${moved} event(s) from the DLQ of "${fn}" back to its queue.${next}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`destfn replay: ${(err as Error).message}\n`);
    return 1;
  } finally {
    local.db.close();
  }
}

/** `destfn logs <fn>[:<instance>] [--follow] [--limit n] [--data dir | --aws]`: captured (redacted) handler output, by messageId. */
import { withOperatorBackend } from './operator-command';
import { targetLogs } from './operator-targets';
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';

export const summary = 'print the captured log output of a function (--follow to keep watching)';

const USAGE = `usage: destfn logs <function>[:<instance>] [--follow] [--limit n] [--data dir | ${AWS_USAGE}]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('logs', USAGE, argv, {
    follow: { type: 'boolean', short: 'f', default: false },
    limit: { type: 'string', default: '100' },
    data: { type: 'string' },
    ...AWS_FLAGS,
  });
  if (!parsed) return 1;
  const { values, positionals } = parsed;
  const target = awsTargetOf('logs', USAGE, values);
  if (!target) return 1;
  const fn = positionals[0];
  const limit = Number(values.limit);
  if (!fn || positionals.length > 1 || !Number.isInteger(limit) || limit < 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  return withOperatorBackend('logs', { aws: values.aws, data: values.data, target }, async (backend) => {
    const stop = new AbortController();
    const abort = () => stop.abort();
    process.once('SIGINT', abort);
    process.once('SIGTERM', abort);
    let printed = false;
    try {
      await targetLogs(backend, fn, { limit, follow: values.follow, signal: stop.signal }, (text) => {
        printed = true;
        process.stdout.write(text);
      });
    } finally {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    }
    if (!printed && !values.follow) process.stdout.write(`no log output for "${fn}"\n`);
  });
}

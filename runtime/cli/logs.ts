/** `destfn logs <fn> [--follow] [--limit n] [--data dir]`: captured (redacted) handler output, by messageId. */
import { RecordStore } from '../local/records';
import { formatLogs } from './format-logs';
import { openLocalData } from './local-data';
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';

export const summary = 'print the captured log output of a function (--follow to keep watching)';

const USAGE = `usage: destfn logs <function> [--follow] [--limit n] [--data dir | ${AWS_USAGE}]\n`;
const FOLLOW_POLL_MS = 500;

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
  if (values.aws) return (require('./aws/cli-commands') as typeof import('./aws/cli-commands')).logsAwsCommand(fn, { follow: values.follow, limit }, target);
  let local;
  try {
    local = openLocalData(values.data);
  } catch (err) {
    process.stderr.write(`destfn logs: ${(err as Error).message}\n`);
    return 1;
  }
  const store = new RecordStore(local.db);
  const first = store.lastLogs(fn, limit);
  process.stdout.write(first.length > 0 ? formatLogs(first) : values.follow ? '' : `no log output for "${fn}"\n`);
  if (!values.follow) {
    local.db.close();
    return 0;
  }
  const lastId = first.length > 0 ? first[first.length - 1].id : (store.lastLogs(fn, 1)[0]?.id ?? 0);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  await followLogs(store, fn, lastId, (text) => process.stdout.write(text), stop.signal);
  local.db.close();
  return 0;
}

/** Print log entries of `fn` newer than `afterId` as they are written, until `signal` aborts. */
export function followLogs(store: RecordStore, fn: string, afterId: number, write: (text: string) => void, signal: AbortSignal): Promise<void> {
  let lastId = afterId;
  return new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const next = store.logs(fn, lastId);
      if (next.length > 0) {
        lastId = next[next.length - 1].id;
        write(formatLogs(next));
      }
    }, FOLLOW_POLL_MS);
    const stop = () => { clearInterval(timer); resolve(); };
    if (signal.aborted) stop(); else signal.addEventListener('abort', stop, { once: true });
  });
}

/**
 * `destfn rejected [--limit n] [--json] [--data dir]`: the invalid events the local ingest left out of their
 * batch (the rest was accepted) or refused alone (a request of one event), newest first. On AWS they are in the ingest Lambda's log group
 * ("ingest: event rejected") and its RejectedEvents metric.
 */
import { RejectedLog, type RejectedRecord } from '../local/rejected';
import { parseCommandArgs } from './args';
import { openLocalData } from './local/data';

export const summary = 'show the invalid events the ingest rejected, alone or from a batch (reason, source, snippet)';

const USAGE = 'usage: destfn rejected [--limit n] [--json] [--data dir]\n'
  + '  (on AWS: the ingest Lambda\'s log lines "ingest: event rejected" and its RejectedEvents metric)\n';

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('rejected', USAGE, argv, {
    json: { type: 'boolean', default: false },
    limit: { type: 'string', default: '50' },
    data: { type: 'string' },
  }, false);
  if (!parsed) return 1;
  const limit = Number(parsed.values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  let data: ReturnType<typeof openLocalData>;
  try {
    data = openLocalData(parsed.values.data);
  } catch (err) {
    process.stderr.write(`destfn rejected: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const records = new RejectedLog(data.db).recent(limit);
    process.stdout.write(parsed.values.json ? `${JSON.stringify(records, null, 2)}\n` : format(records));
    return 0;
  } finally {
    data.db.close();
  }
}

function format(records: RejectedRecord[]): string {
  if (records.length === 0) return 'no rejected events\n';
  return records.map((r) => `${r.at}  ${r.source}  ${r.error}\n    ${r.snippet}\n`).join('');
}

/**
 * `destfn logs <fn> --aws [--follow]`: the captured (already redacted) handler output of a function, from the
 * per-event "delivery" lines its Lambda writes to CloudWatch Logs (FilterLogEvents on its log group).
 */
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { LogRecord } from '../../delivery/record';
import { DELIVERY_LOG_MESSAGE } from '../../aws/delivery-telemetry';
import { functionResources } from './function-resources';
import { jsonLogLine } from './json-log-line';
import { withClientConfig, type AwsOpsOptions } from './stack-outputs';

export interface FetchLogsOptions extends AwsOpsOptions {
  follow?: boolean;
  /** The last `limit` records of the look-back window are shown first (default 100). */
  limit?: number;
  /** Look-back window of the first read (default 1 h). */
  sinceMs?: number;
  /** Poll interval while following (default 2 s). */
  pollMs?: number;
  /** Stops following. */
  signal?: AbortSignal;
}

export const FILTER_PATTERN = `{ $.message = "${DELIVERY_LOG_MESSAGE}" }`;

/** One CloudWatch event → the LogRecord of the event it describes; null for other lines or no captured output. */
export function logRecordOf(fn: string, message: string, timestamp: number): LogRecord | null {
  const line = jsonLogLine(message);
  if (!line) return null;
  if (line.message !== DELIVERY_LOG_MESSAGE || typeof line.messageId !== 'string' || !Array.isArray(line.logs)) return null;
  const lines = line.logs.filter((l): l is string => typeof l === 'string');
  if (lines.length === 0) return null;
  const at = typeof line.timestamp === 'string' ? line.timestamp : new Date(timestamp).toISOString();
  return { function: typeof line.function === 'string' ? line.function : fn, messageId: line.messageId, at, lines };
}

export async function* fetchLogsAws(fn: string, options: FetchLogsOptions = {}): AsyncGenerator<LogRecord> {
  const opts = await withClientConfig(options);
  const { logGroup } = await functionResources(fn, opts);
  const client = new CloudWatchLogsClient(opts.clientConfig);
  const limit = options.limit ?? 100;
  const seen = new Map<string, number>(); // eventId → timestamp, to skip events a poll reads again
  let startTime = Date.now() - (options.sinceMs ?? 60 * 60 * 1000);

  async function read(): Promise<LogRecord[]> {
    const records: LogRecord[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new FilterLogEventsCommand({ logGroupName: logGroup, filterPattern: FILTER_PATTERN, startTime, nextToken }));
      for (const event of page.events ?? []) {
        const record = fresh(event);
        if (record) records.push(record);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    for (const [id, at] of seen) if (at < startTime) seen.delete(id);
    return records;
  }

  function fresh(event: FilteredLogEvent): LogRecord | null {
    const id = event.eventId ?? `${event.timestamp}:${event.message}`;
    if (seen.has(id)) return null;
    seen.set(id, event.timestamp ?? 0);
    // Events of one millisecond can arrive in different polls: the next poll starts at the newest timestamp seen.
    if (event.timestamp !== undefined) startTime = Math.max(startTime, event.timestamp);
    return logRecordOf(fn, event.message ?? '', event.timestamp ?? Date.now());
  }

  try {
    yield* (await read()).slice(-limit);
    while (options.follow && !options.signal?.aborted) {
      await sleep(options.pollMs ?? 2000, options.signal);
      if (options.signal?.aborted) break;
      yield* await read();
    }
  } finally {
    client.destroy();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * What each Lambda instance of a deployed function last said about its delivery control: the EMF line the limiter
 * writes when its paused state or limit changes, and at least once a minute while it delivers
 * (runtime/aws/limiter.ts). Lambda gives every instance its own log stream, so the newest line per stream is that
 * instance's state. Read with FilterLogEvents on the function's log group, like `destfn logs --aws`.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { functionResources } from './function-resources';
import { jsonLogLine } from './json-log-line';
import { withClientConfig, type AwsOpsOptions } from './stack-outputs';

export interface InstanceState {
  /** The instance's log stream. */
  stream: string;
  at: number;
  paused: boolean;
  limit: number;
  /** Median latency of its last window (ms), when it had one. */
  latencyMs: number | null;
  reason: string | null;
}

/** The limiter's lines: the only ones with a numeric ConcurrencyLimit. */
export const INSTANCE_FILTER_PATTERN = '{ $.ConcurrencyLimit >= 0 }';
/** Instances quiet for longer than this are gone or idle (an active one reports at least every minute). */
export const INSTANCE_WINDOW_MS = 5 * 60_000;

/** The newest state of every instance that reported within `sinceMs`, newest first. */
export async function instanceStates(fn: string, options: AwsOpsOptions & { sinceMs?: number } = {}): Promise<InstanceState[]> {
  const opts = await withClientConfig(options);
  const { logGroup } = await functionResources(fn, opts);
  const client = new CloudWatchLogsClient(opts.clientConfig);
  const startTime = Date.now() - (options.sinceMs ?? INSTANCE_WINDOW_MS);
  const latest = new Map<string, InstanceState>();
  try {
    let nextToken: string | undefined;
    do {
      const page = await client.send(new FilterLogEventsCommand({ logGroupName: logGroup, filterPattern: INSTANCE_FILTER_PATTERN, startTime, nextToken }));
      for (const event of page.events ?? []) {
        const state = instanceStateOf(event.logStreamName ?? '?', event.message ?? '', event.timestamp ?? 0);
        if (!state) continue;
        // Pages interleave streams: keep each one's newest line.
        const known = latest.get(state.stream);
        if (!known || known.at <= state.at) latest.set(state.stream, state);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } finally {
    client.destroy();
  }
  return [...latest.values()].sort((a, b) => b.at - a.at);
}

/** One limiter line → the state it reports; null for anything else. */
export function instanceStateOf(stream: string, message: string, timestamp: number): InstanceState | null {
  const line = jsonLogLine(message);
  if (!line) return null;
  if (typeof line.ConcurrencyLimit !== 'number' || typeof line.Paused !== 'number') return null;
  return {
    stream, at: timestamp, paused: line.Paused === 1, limit: line.ConcurrencyLimit,
    latencyMs: typeof line.latencyMs === 'number' ? line.latencyMs : null, reason: typeof line.pausedReason === 'string' ? line.pausedReason : null,
  };
}

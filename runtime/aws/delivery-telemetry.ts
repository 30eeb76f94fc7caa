/**
 * What the destination Lambda writes to CloudWatch about its deliveries. CloudWatch Logs bills every byte, so
 * routine outcomes are counted, not logged one by one:
 * - one `delivery` line per event that needs a look: retrying (WARN), failed (ERROR), discarded for a reason other
 *   than an unsupported event type, or any event whose handler wrote console output (function, messageId, type,
 *   event, status, attempt, durationMs, the captured and already-redacted logs): `destfn logs --aws` reads these;
 * - one `deliveries` line per invocation counting the outcomes by status, with the duration p50 and max;
 * - EMF metrics: a count per status per invocation, and each invoked event's duration (for percentiles).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { SettledStatus, OutcomeError, OutcomeReason } from '../delivery';

export type TelemetryStatus = SettledStatus | 'duplicate';

export interface DeliveryLogEntry {
  messageId: string;
  type: string;
  event: string | null;
  status: TelemetryStatus;
  attempt: number;
  durationMs: number | null;
  reason?: OutcomeReason | null;
  error?: OutcomeError | null;
  /** Seconds until the next attempt (status 'retrying'). */
  retryInSeconds?: number;
  logs: string[];
}

/** The message of every per-event line; `destfn logs --aws` filters on it. */
export const DELIVERY_LOG_MESSAGE = 'delivery';
/** The message of the per-invocation summary line. */
export const SUMMARY_LOG_MESSAGE = 'deliveries';

const METRIC_OF: Record<TelemetryStatus, string> = {
  delivered: 'delivered', discarded: 'discarded', retrying: 'retried', failed: 'failed', duplicate: 'duplicate',
};

export interface DeliveryTelemetry {
  /** One event's outcome. */
  event(entry: DeliveryLogEntry): void;
  /** The summary line and metrics of the events since the last flush (the handler calls it after each batch). */
  flush(): void;
}

/** Whether an outcome gets a line of its own rather than only a count in the summary. */
export function needsOwnLine(entry: DeliveryLogEntry): boolean {
  if (entry.logs.length > 0) return true;
  if (entry.status === 'retrying' || entry.status === 'failed') return true;
  return entry.status === 'discarded' && entry.reason !== 'unsupported';
}

export function createDeliveryTelemetry(functionName: string, logger: Logger, metrics: Metrics): DeliveryTelemetry {
  let counts = new Map<TelemetryStatus, number>();
  let durations: number[] = [];
  return {
    event(entry) {
      counts.set(entry.status, (counts.get(entry.status) ?? 0) + 1);
      if (entry.durationMs !== null) {
        const ms = Math.round(entry.durationMs * 10) / 10;
        durations.push(ms);
        metrics.addMetric('duration', MetricUnit.Milliseconds, ms);
      }
      if (!needsOwnLine(entry)) return;
      const line = { message: DELIVERY_LOG_MESSAGE, function: functionName, ...entry };
      if (entry.status === 'failed') logger.error(line);
      else if (entry.status === 'retrying') logger.warn(line);
      else logger.info(line);
    },

    flush() {
      if (counts.size === 0) return;
      const sorted = durations.sort((a, b) => a - b);
      logger.info({
        message: SUMMARY_LOG_MESSAGE,
        function: functionName,
        ...Object.fromEntries(counts),
        ...(sorted.length > 0 ? { durationMs: { p50: sorted[Math.floor((sorted.length - 1) / 2)], max: sorted[sorted.length - 1] } } : {}),
      });
      for (const [status, n] of counts) metrics.addMetric(METRIC_OF[status], MetricUnit.Count, n);
      counts = new Map();
      durations = [];
    },
  };
}

/**
 * One structured log line per event and attempt (function, messageId, type, event, status, attempt,
 * durationMs, the captured and already-redacted user logs) and the EMF metrics counting outcomes.
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

const METRIC_OF: Record<TelemetryStatus, string> = {
  delivered: 'delivered', discarded: 'discarded', retrying: 'retried', failed: 'failed', duplicate: 'duplicate',
};

export type DeliveryTelemetry = (entry: DeliveryLogEntry) => void;

export function createDeliveryTelemetry(functionName: string, logger: Logger, metrics: Metrics): DeliveryTelemetry {
  return (entry) => {
    const line = { message: DELIVERY_LOG_MESSAGE, function: functionName, ...entry };
    if (entry.status === 'failed') logger.error(line);
    else if (entry.status === 'retrying') logger.warn(line);
    else logger.info(line);
    metrics.addMetric(METRIC_OF[entry.status], MetricUnit.Count, 1);
    if (entry.durationMs !== null) metrics.addMetric('duration', MetricUnit.Milliseconds, entry.durationMs);
  };
}

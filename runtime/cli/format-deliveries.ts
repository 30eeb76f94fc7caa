/** Output of `destfn deliveries` (local and --aws): a table, or JSON. */
import type { DeliveryRecord } from '../delivery/record';

function cell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function describe(r: DeliveryRecord): string {
  return r.eventName ? `${r.eventType} "${r.eventName}"` : r.eventType;
}

const utc = (iso: string): string => iso.replace('T', ' ').slice(0, 19);

/**
 * One row per record; a `function` column when they are of several functions (a folder's instances), a
 * `next attempt` column when some are waiting to be retried.
 */
export function formatDeliveries(records: readonly DeliveryRecord[]): string {
  if (records.length === 0) return 'no delivery records\n';
  const several = new Set(records.map((r) => r.function)).size > 1;
  const waiting = records.some((r) => r.status === 'retrying' && r.nextAttemptAt);
  const rows = records.map((r) => [
    ...(several ? [r.function] : []),
    utc(r.updatedAt),
    r.messageId,
    describe(r),
    r.status,
    String(r.attempts),
    ...(waiting ? [r.status === 'retrying' && r.nextAttemptAt ? utc(r.nextAttemptAt) : ''] : []),
    r.durationMs === null ? '' : `${r.durationMs}ms`,
    r.version ?? '',
    r.lastError ? `${r.lastError.name}: ${r.lastError.message.split('\n')[0]}` : r.status === 'delivered' && r.result ? `→ ${r.result}` : '',
  ]);
  const headers = [
    ...(several ? ['function'] : []), 'updated (UTC)', 'messageId', 'event', 'status', 'attempts',
    ...(waiting ? ['next attempt (UTC)'] : []), 'duration', 'version', 'last error / result',
  ];
  // A messageId is shown whole (ingest allows 100 characters): it is what one looks up in the console, `destfn logs` and
  // the destination. analytics.js's and analytics-node's are 59 and 60 characters long.
  const idColumn = headers.indexOf('messageId');
  const widths = headers.map((h, i) => Math.min(i === idColumn ? Infinity : 30, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cols: string[]) => cols.map((c, i) => (i === cols.length - 1 ? c.slice(0, 160) : cell(c, widths[i]))).join('  ').trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

export function formatDeliveriesJson(records: readonly DeliveryRecord[]): string {
  return `${JSON.stringify(records, null, 2)}\n`;
}

/** `destfn status`: one block per function from the delivery control's status (runtime/delivery-control). */
import type { DeliveryControlStatus } from '../delivery-control';
import { INSTANCE_SEPARATOR } from '../function/names';

export interface StatusLine {
  fn: string;
  status: DeliveryControlStatus | null;
  updatedAt: number | null;
  operatorPause: { reason: string; pausedAt: number } | null;
  /** Its events in the queue (in flight included) and in the DLQ. */
  depth?: { queued: number; dlq: number };
  /** Its folder's last save did not load (hot reload): the loader's message; whether an earlier version still runs. */
  loadFailure?: { message: string; at: number; previousVersionRunning: boolean } | null;
  /** Known from its records or DLQ, not one of the functions the engine runs (or ran last), and no load failure: its folder is gone. */
  removed?: boolean;
}

/** What went away when the engine stopped running a function: its folder, or an instance of it. */
const gone = (fn: string) => (fn.includes(INSTANCE_SEPARATOR) ? 'its instance in function.json, or its folder, is gone' : 'its folder is gone');

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export function formatControlStatus(lines: StatusLine[], engineRunning: boolean, now = Date.now()): string {
  const out: string[] = [];
  if (!engineRunning) out.push('engine not running: last published state (it applies again when the engine starts)');
  for (const { fn, status: s, updatedAt, operatorPause, depth, loadFailure, removed } of lines) {
    if (removed) {
      out.push(`${fn}: REMOVED: the engine ${engineRunning ? 'does not run it' : 'did not run it the last time'} (${gone(fn)}); its records and DLQ are kept`);
      if (depth) out.push(`  queue ${depth.queued} (in flight included), DLQ ${depth.dlq}${depth.dlq > 0 ? `: \`destfn replay ${fn}\` once it is back` : ''}`);
      continue;
    }
    if (loadFailure && !loadFailure.previousVersionRunning) {
      out.push(`${fn}: NOT RUNNING: it did not load (${time(loadFailure.at)}): ${loadFailure.message}`);
      out.push('  events sent meanwhile are not queued for it; save a fixed version and the engine loads it');
      if (depth) out.push(`  queue ${depth.queued} (in flight included), DLQ ${depth.dlq}`);
      continue;
    }
    const paused = operatorPause
      ? `PAUSED by an operator since ${time(operatorPause.pausedAt)} (${operatorPause.reason}); \`destfn resume ${fn}\` resumes it`
      : s?.pausedBy === 'breaker'
        ? `PAUSED by the circuit breaker since ${time(s.pausedSince ?? now)}: ${s.reason}; next probe ${s.nextProbeAt !== null ? `in ${Math.max(0, Math.round((s.nextProbeAt - now) / 1000))} s` : 'soon'}`
        : 'delivering';
    out.push(`${fn}: ${paused}`);
    if (loadFailure) out.push(`  the last save did not load (${time(loadFailure.at)}), the previous version keeps running: ${loadFailure.message}`);
    if (depth) out.push(`  queue ${depth.queued} (in flight included), DLQ ${depth.dlq}`);
    if (!s) {
      out.push('  no status yet (the engine has not run it)');
      continue;
    }
    const rate = [
      s.rateLimit ? `rate limit ${s.rateLimit.perSecond}/s (burst ${s.rateLimit.burst})` : null,
      s.learntRatePerSecond !== null
        ? `backing off to ${s.learntRatePerSecond.toFixed(1)}/s after refusals or failures${s.measuredRatePerSecond != null ? ` (it took ${s.measuredRatePerSecond.toFixed(1)}/s without refusing)` : ''}`
        : null,
    ].filter(Boolean).join(', ');
    out.push(`  concurrency limit ${s.limit} of ${s.maxConcurrency}, latency ${s.latencyMs === null ? '-' : `${s.latencyMs.toFixed(1)} ms`}${rate ? `, ${rate}` : ''}`);
    out.push(`  last minute: ${s.recent.delivered} delivered, ${s.recent.discarded} discarded, ${s.recent.retried} retried${updatedAt !== null ? ` (as of ${Math.max(0, Math.round((now - updatedAt) / 1000))} s ago)` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** `destfn status --json`: the same, for scripts; times as ISO-8601 UTC strings like the delivery records'. */
export function controlStatusJson(lines: StatusLine[], engineRunning: boolean): string {
  const functions = lines.map(({ fn, status, updatedAt, operatorPause, depth, loadFailure, removed }) => ({
    fn,
    removed: removed ?? false,
    status: status && { ...status, pausedSince: iso(status.pausedSince), nextProbeAt: iso(status.nextProbeAt), measuredRatePerSecond: status.measuredRatePerSecond ?? null },
    updatedAt: iso(updatedAt),
    operatorPause: operatorPause && { reason: operatorPause.reason, pausedAt: iso(operatorPause.pausedAt) },
    depth: depth ?? null,
    loadFailure: loadFailure ? { message: loadFailure.message, at: iso(loadFailure.at), previousVersionRunning: loadFailure.previousVersionRunning } : null,
  }));
  return `${JSON.stringify({ engineRunning, functions }, null, 2)}\n`;
}

/** GET / of the local engine: functions, recent deliveries, logs, rejected events and sink hits. Plain HTML, refreshes itself. */
import type { DeliveryRecord, LogRecord } from '../delivery';
import type { SinkHit } from './dev-sink';
import type { RejectedRecord } from './rejected';

export interface DevPageFunction { name: string; sources: string[] | null; filter: string | null; queued: number; dlq: number; inFlight: number }

export interface DevPageState {
  functions: DevPageFunction[];
  deliveries: DeliveryRecord[];
  logs: LogRecord[];
  sink: SinkHit[];
  rejected?: RejectedRecord[];
}

const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '<p class="none">none yet</p>';
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderDevPage(state: DevPageState): string {
  const functions = table(['function', 'sources', 'filter', 'queued', 'in flight', 'DLQ'],
    state.functions.map((f) => [f.name, f.sources ? f.sources.join(', ') : 'all', f.filter ?? '—', f.queued, f.inFlight, f.dlq]));
  const deliveries = table(['updated', 'function', 'messageId', 'type', 'status', 'attempts', 'ms', 'last error', 'result'],
    state.deliveries.map((d) => [d.updatedAt.slice(11, 23), d.function, d.messageId, d.eventName ? `${d.eventType} ${d.eventName}` : d.eventType,
      d.status, d.attempts, d.durationMs ?? '', d.lastError ? `${d.lastError.name}: ${d.lastError.message}` : '', (d.result ?? '').slice(0, 120)]));
  const logs = table(['at', 'function', 'messageId', 'output'],
    state.logs.map((l) => [l.at.slice(11, 23), l.function, l.messageId, l.lines.join('\n')]));
  const rejected = table(['at', 'source', 'index', 'error', 'event'], (state.rejected ?? []).map((r) => [r.at.slice(11, 23), r.source, r.index, r.error, r.snippet]));
  const sink = table(['at', 'sink', 'bytes', 'body'], state.sink.map((s) => [s.at.slice(11, 23), s.name, s.bytes, s.body.slice(0, 300)]));
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>destfn dev</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}h2{font-size:1.05em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
td{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;word-break:break-all}.none{color:#888}
</style></head><body>
<h1>destfn — local engine</h1>
<h2>Functions</h2>${functions}
<h2>Recent deliveries</h2>${deliveries}
<h2>Recent logs</h2>${logs}
<h2>Rejected events (invalid, left out of their batch)</h2>${rejected}
<h2>Dev sink (POST /_sink/&lt;name&gt;)</h2>${sink}
</body></html>`;
}

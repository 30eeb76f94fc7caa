/**
 * DLQ: dead events per function, replay one or all; orphaned events (their function was deleted) discarded, or
 * replayed once the function is back (the engine refuses a replay to a function it does not run). Every action is
 * a POST with the page's token; the list is fetched again after it and as deliveries settle.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { DeadRow, DeliveryRow } from '../api-types';
import { errorLine } from '../format';
import { errorText, postJson } from '../http';
import { href } from '../route';
import { useConsole, useLiveEvent } from '../state';
import { useApi, useThrottled } from '../use-api';
import { ErrorBox, Loading, StatusLine } from '../parts/notice';
import { StatusBadge } from '../parts/status-badge';
import { Time } from '../parts/time';

type Action = 'replay' | 'discard';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function groupByFunction(rows: DeadRow[]): Array<[string, DeadRow[]]> {
  const groups = new Map<string, DeadRow[]>();
  for (const row of rows) groups.set(row.function, [...(groups.get(row.function) ?? []), row]);
  return [...groups];
}

function DeadTable({ rows, orphan, busy, act }: { rows: DeadRow[]; orphan: boolean; busy: boolean; act(a: Action, fn: string, id?: string): void }) {
  return html`<table class="rows">
    <thead><tr><th>failed</th><th>messageId</th><th>type</th><th>attempts</th><th>error</th><th>actions</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr key=${r.messageId}>
      <td data-label="failed"><${Time} iso=${r.failedAt} /></td>
      <td data-label="messageId" class="wrap">${r.orphan ? html`<code>${r.messageId}</code>` : html`<a href=${href.delivery(r.function, r.messageId)}><code>${r.messageId}</code></a>`}</td>
      <td data-label="type">${r.eventType}</td>
      <td data-label="attempts">${r.attempts}</td>
      <td data-label="error" class="wrap">${errorLine(r.error)}</td>
      <td data-label="actions" class="actions-cell">
        ${orphan ? null : html`<button type="button" disabled=${busy} onClick=${() => act('replay', r.function, r.messageId)}>Replay<span class="sr-only"> ${r.messageId}</span></button>`}
        <button type="button" class="danger" disabled=${busy} onClick=${() => act('discard', r.function, r.messageId)}>Discard<span class="sr-only"> ${r.messageId}</span></button>
      </td>
    </tr>`)}</tbody>
  </table>`;
}

function FunctionGroup({ fn, rows, orphan, busy, act }: { fn: string; rows: DeadRow[]; orphan: boolean; busy: boolean; act(a: Action, fn: string, id?: string): void }) {
  return html`<section class="card" aria-labelledby=${`dlq-${fn}`}>
    <header class="card-head">
      <h3 id=${`dlq-${fn}`}>${fn}</h3>${orphan ? html`<${StatusBadge} status="orphan" />` : null}
      <span class="muted">${plural(rows.length, 'event')}</span><span class="spacer"></span>
      ${orphan
        ? html`<button type="button" class="danger" disabled=${busy} onClick=${() => act('discard', fn)}>Discard all<span class="sr-only"> of ${fn}</span></button>`
        : html`<button type="button" disabled=${busy} onClick=${() => act('replay', fn)}>Replay all<span class="sr-only"> of ${fn}</span></button>`}
    </header>
    ${orphan ? html`<p class="muted">No function named ${fn} is loaded: put its folder back under functions/ to replay its events here; discard drops them.</p>` : null}
    <${DeadTable} rows=${rows} orphan=${orphan} busy=${busy} act=${act} />
  </section>`;
}

export function DlqView() {
  const { refreshFunctions } = useConsole();
  const dead = useApi<{ dead: DeadRow[] }>('/api/dlq');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refetch = useThrottled(dead.reload, 500);
  useLiveEvent<DeliveryRow>('delivery', (row) => { if (row.status === 'failed') refetch(); });

  const act = async (action: Action, fn: string, messageId?: string) => {
    if (action === 'discard' && !confirm(messageId ? `Discard ${messageId} of ${fn}? It cannot be replayed afterwards.` : `Discard every dead event of ${fn}?`)) return;
    setBusy(true);
    setError(null);
    try {
      const body = { function: fn, ...(messageId ? { messageId } : {}) };
      if (action === 'replay') {
        const { replayed } = await postJson<{ replayed: number }>('/api/dlq/replay', body);
        setMessage(`Replayed ${plural(replayed, 'event')} of ${fn}.`);
      } else {
        const { discarded } = await postJson<{ discarded: number }>('/api/dlq/discard', body);
        setMessage(`Discarded ${plural(discarded, 'event')} of ${fn}.`);
      }
    } catch (err) {
      setError(`${action === 'replay' ? 'Replay' : 'Discard'} failed: ${errorText(err)}`);
    } finally {
      setBusy(false);
      dead.reload();
      refreshFunctions();
    }
  };

  const rows = dead.data?.dead ?? [];
  const groups = groupByFunction(rows.filter((r) => !r.orphan));
  const orphans = groupByFunction(rows.filter((r) => r.orphan));
  return html`<section aria-labelledby="view-title">
    <h2 id="view-title" tabindex="-1">Dead-letter queue</h2>
    <${StatusLine} message=${message} />
    <${ErrorBox} message=${error ?? dead.error} />
    ${!dead.data ? (dead.loading ? html`<${Loading} what="the DLQ" />` : null) : html`
      ${groups.length === 0 ? html`<p class="muted">No dead events. An event lands here after its last failed attempt.</p>` : null}
      ${groups.map(([fn, list]) => html`<${FunctionGroup} key=${fn} fn=${fn} rows=${list} orphan=${false} busy=${busy} act=${act} />`)}
      <h2 class="section-title">Orphaned events</h2>
      ${orphans.length === 0 ? html`<p class="muted">None: no dead event belongs to a deleted function.</p>` : null}
      ${orphans.map(([fn, list]) => html`<${FunctionGroup} key=${fn} fn=${fn} rows=${list} orphan=${true} busy=${busy} act=${act} />`)}`}
  </section>`;
}

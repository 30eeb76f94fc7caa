/** Deliveries: newest first, filtered by function, status, type and messageId (kept in the URL); new ones arrive live. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { DELIVERY_STATUSES, EVENT_TYPES, type DeliveriesBody, type DeliveryRow } from '../api-types';
import { errorLine, formatMs } from '../format';
import { apiPath, errorText, getJson } from '../http';
import { href } from '../route';
import { useConsole, useLiveEvent } from '../state';
import { useApi } from '../use-api';
import { ErrorBox, Loading } from '../parts/notice';
import { StatusBadge } from '../parts/status-badge';
import { Time } from '../parts/time';

const FILTERS = ['function', 'status', 'type', 'messageId'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

const PAGE = 50;
/** A page left open for hours keeps at most this many rows (new ones push the oldest out). */
const MAX_ROWS = 2000;
const keyOf = (row: DeliveryRow) => `${row.function}\u0000${row.messageId}`;

function matches(row: DeliveryRow, f: Filters): boolean {
  return (!f.function || row.function === f.function) && (!f.status || row.status === f.status)
    && (!f.type || row.eventType === f.type) && (!f.messageId || row.messageId === f.messageId);
}

function FilterForm({ filters, names }: { filters: Filters; names: string[] }) {
  const [messageId, setMessageId] = useState(filters.messageId);
  const go = (next: Partial<Filters>) => { location.hash = href.deliveries({ ...filters, ...next }); };
  const select = (key: keyof Filters) => (e: Event) => go({ [key]: (e.target as HTMLSelectElement).value });
  return html`<form class="filters" role="search" aria-label="Filter deliveries" onSubmit=${(e: Event) => { e.preventDefault(); go({ messageId: messageId.trim() }); }}>
    <div class="field"><label for="filter-function">Function</label>
      <select id="filter-function" value=${filters.function} onChange=${select('function')}><option value="">all</option>${names.map((n) => html`<option value=${n}>${n}</option>`)}</select></div>
    <div class="field"><label for="filter-status">Status</label>
      <select id="filter-status" value=${filters.status} onChange=${select('status')}><option value="">all</option>${DELIVERY_STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}</select></div>
    <div class="field"><label for="filter-type">Type</label>
      <select id="filter-type" value=${filters.type} onChange=${select('type')}><option value="">all</option>${EVENT_TYPES.map((t) => html`<option value=${t}>${t}</option>`)}</select></div>
    <div class="field grow"><label for="filter-message-id">messageId</label>
      <input id="filter-message-id" type="search" autocomplete="off" spellcheck=${false} value=${messageId} onInput=${(e: Event) => setMessageId((e.target as HTMLInputElement).value)} /></div>
    <div class="field buttons"><button type="submit">Filter</button>
      ${FILTERS.some((k) => filters[k]) ? html`<a class="button secondary" href=${href.deliveries()}>Clear</a>` : null}</div>
  </form>`;
}

export function DeliveryRows({ rows }: { rows: DeliveryRow[] }) {
  return html`<table class="rows deliveries">
    <thead><tr><th>updated</th><th>function</th><th>messageId</th><th>event</th><th>status</th><th>attempts</th><th>duration</th><th>last error</th></tr></thead>
    <tbody>${rows.map((d) => html`<tr key=${keyOf(d)}>
      <td data-label="updated"><${Time} iso=${d.updatedAt} /></td>
      <td data-label="function">${d.function}</td>
      <td data-label="messageId" class="wrap"><a href=${href.delivery(d.function, d.messageId)}><code>${d.messageId}</code></a></td>
      <td data-label="event">${d.eventType}${d.eventName ? html` <span class="muted">${d.eventName}</span>` : null}</td>
      <td data-label="status"><${StatusBadge} status=${d.status} /></td>
      <td data-label="attempts">${d.attempts}</td>
      <td data-label="duration">${formatMs(d.durationMs)}</td>
      <td data-label="last error" class="wrap">${errorLine(d.lastError)}</td>
    </tr>`)}</tbody>
  </table>`;
}

export function DeliveriesView({ query }: { query: URLSearchParams }) {
  const { functions } = useConsole();
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? ''])) as Filters;
  const page = useApi<DeliveriesBody>(apiPath(['deliveries'], { ...filters, limit: PAGE }));
  const [rows, setRows] = useState<DeliveryRow[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [moreError, setMoreError] = useState<string | null>(null);

  useEffect(() => {
    if (page.data) { setRows(page.data.deliveries); setNext(page.data.next); }
  }, [page.data]);

  useLiveEvent<DeliveryRow>('delivery', (row) => {
    if (!page.data || !matches(row, filters)) return;
    setRows((old) => [row, ...old.filter((r) => keyOf(r) !== keyOf(row))].slice(0, MAX_ROWS));
  });

  const more = async () => {
    if (!next) return;
    try {
      const body = await getJson<DeliveriesBody>(apiPath(['deliveries'], { ...filters, limit: PAGE, before: next }));
      setRows((old) => [...old, ...body.deliveries.filter((r) => !old.some((o) => keyOf(o) === keyOf(r)))]);
      setNext(body.next);
      setMoreError(null);
    } catch (err) {
      setMoreError(errorText(err));
    }
  };

  const names = functions?.functions.map((f) => f.name) ?? [];
  return html`<section aria-labelledby="view-title">
    <h2 id="view-title" tabindex="-1">Deliveries</h2>
    <${FilterForm} key=${filters.messageId} filters=${filters} names=${names} />
    <${ErrorBox} message=${page.error} />
    ${page.data === null ? (page.loading ? html`<${Loading} what="deliveries" />` : null) : rows.length === 0
      ? html`<p class="muted" role="status">No delivery matches.</p>`
      : html`<p class="muted" role="status">${rows.length} shown, newest first; new ones appear as they settle.</p>
        <${DeliveryRows} rows=${rows} />
        ${next ? html`<button type="button" class="secondary" onClick=${more}>Load older</button>` : null}
        <${ErrorBox} message=${moreError} />`}
  </section>`;
}

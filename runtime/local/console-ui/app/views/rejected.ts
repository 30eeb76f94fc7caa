/** Rejected events: invalid events left out of their batch (the rest was accepted) or refused alone, newest first, snippets redacted. */
import { html } from 'htm/preact';
import type { DeliveryRow, RejectedRow } from '../api-types';
import { useLiveEvent } from '../state';
import { useApi, useThrottled } from '../use-api';
import { ErrorBox, Loading } from '../parts/notice';
import { Time } from '../parts/time';

export function RejectedView() {
  const rejected = useApi<{ rejected: RejectedRow[] }>('/api/rejected?limit=100');
  const refetch = useThrottled(rejected.reload, 2000);
  // A rejection is not streamed; a batch with rejected events usually brings deliveries too.
  useLiveEvent<DeliveryRow>('delivery', refetch);
  const rows = rejected.data?.rejected ?? [];
  return html`<section aria-labelledby="view-title">
    <h2 id="view-title" tabindex="-1">Rejected events</h2>
    <p class="muted">Invalid events: left out of their batch (the rest of it went on), or refused alone (the sender got the 4xx). Neither was queued.</p>
    <${ErrorBox} message=${rejected.error} />
    ${!rejected.data ? (rejected.loading ? html`<${Loading} what="rejected events" />` : null) : rows.length === 0
      ? html`<p class="muted">None.</p>`
      : html`<table class="rows">
        <thead><tr><th>at</th><th>source</th><th>index</th><th>error</th><th>event (redacted)</th></tr></thead>
        <tbody>${rows.map((r, i) => html`<tr key=${r.id ?? i}>
          <td data-label="at"><${Time} iso=${r.at} /></td>
          <td data-label="source">${r.source}</td>
          <td data-label="index">${r.index}</td>
          <td data-label="error" class="wrap">${r.error}</td>
          <td data-label="event" class="wrap"><code>${r.snippet}</code></td>
        </tr>`)}</tbody>
      </table>`}
  </section>`;
}

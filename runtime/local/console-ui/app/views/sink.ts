/**
 * Dev sink: what the engine's own test destination (`POST /_sink/<name>`) received, newest first. The example
 * functions deliver there until pointed elsewhere. Bodies are redacted with the running functions' secrets.
 */
import { html } from 'htm/preact';
import type { DeliveryRow, SinkHit } from '../api-types';
import { prettyText } from '../format';
import { useLiveEvent } from '../state';
import { useApi, useThrottled } from '../use-api';
import { ErrorBox, Loading } from '../parts/notice';
import { Time } from '../parts/time';

export function SinkView() {
  const sink = useApi<{ hits: SinkHit[] }>('/api/sink');
  const refetch = useThrottled(sink.reload, 500);
  useLiveEvent<DeliveryRow>('delivery', refetch);
  const hits = sink.data?.hits ?? [];
  return html`<section aria-labelledby="view-title">
    <h2 id="view-title" tabindex="-1">Dev sink</h2>
    <p class="muted">Requests to this engine's <code>${'/_sink/<name>'}</code>: a destination for trying functions without a real service.</p>
    <${ErrorBox} message=${sink.error} />
    ${!sink.data ? (sink.loading ? html`<${Loading} what="the sink" />` : null) : hits.length === 0
      ? html`<p class="muted">Nothing received yet.</p>`
      : html`<table class="rows">
        <thead><tr><th>at</th><th>sink</th><th>size</th><th>body</th></tr></thead>
        <tbody>${hits.map((h, i) => html`<tr key=${`${h.at}-${i}`}>
          <td data-label="at"><${Time} iso=${h.at} /></td>
          <td data-label="sink"><code>${h.name}</code></td>
          <td data-label="size">${h.bytes} B${h.contentType ? html` <span class="muted">${h.contentType}</span>` : null}</td>
          <td data-label="body" class="bodies"><details class="body"><summary>${h.body.slice(0, 80)}${h.body.length > 80 ? '…' : ''}</summary><pre class="code">${prettyText(h.body)}</pre></details></td>
        </tr>`)}</tbody>
      </table>`}
  </section>`;
}

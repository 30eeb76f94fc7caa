/** One delivery: the event as the function received it (after drop), every attempt with outcome, duration and logs, the result. */
import { html } from 'htm/preact';
import type { DeliveryDetail, DeliveryRow } from '../api-types';
import { errorLine, formatMs, pretty, prettyText } from '../format';
import { useState } from 'preact/hooks';
import { apiPath, errorText, postJson } from '../http';
import { href } from '../route';
import { useLiveEvent } from '../state';
import { useApi, useThrottled } from '../use-api';
import { ErrorBox, Loading, StatusLine } from '../parts/notice';
import { StatusBadge } from '../parts/status-badge';
import { Time } from '../parts/time';

const WHERE = { queued: 'in the queue (will be retried)', dlq: 'in the DLQ', done: 'done' } as const;

/** Where the event is now; a queued one says when it is next attempted. */
function whereNow(d: DeliveryDetail) {
  if (d.where !== 'queued' || !d.nextAttemptAt) return WHERE[d.where!];
  if (Date.parse(d.nextAttemptAt) <= Date.now()) return 'in the queue: next attempt due now';
  return html`in the queue: next attempt at <${Time} iso=${d.nextAttemptAt} />`;
}

function resultText(detail: DeliveryDetail): string | null {
  if (detail.result !== undefined) return pretty(detail.result);
  return detail.record.result ? prettyText(detail.record.result) : null;
}

export function DeliveryView({ fn, messageId }: { fn: string; messageId: string }) {
  const detail = useApi<DeliveryDetail>(apiPath(['deliveries', fn, messageId]));
  const refetch = useThrottled(detail.reload, 300);
  useLiveEvent<DeliveryRow>('delivery', (row) => { if (row.function === fn && row.messageId === messageId) refetch(); });

  const [replayMessage, setReplayMessage] = useState<string | null>(null);
  const [replayError, setReplayError] = useState<string | null>(null);
  const replay = async () => {
    setReplayError(null);
    try {
      const { replayed } = await postJson<{ replayed: number }>('/api/dlq/replay', { function: fn, messageId });
      setReplayMessage(replayed === 1 ? 'Replayed: the event is back in the queue.' : 'Nothing to replay (no longer in the DLQ).');
    } catch (err) {
      setReplayError(`Replay failed: ${errorText(err)}`);
    }
    detail.reload();
  };

  const d = detail.data;
  const result = d && resultText(d);
  return html`<section aria-labelledby="view-title">
    <p class="crumbs"><a href=${href.deliveries({ function: fn })}>← Deliveries of ${fn}</a></p>
    <h2 id="view-title" tabindex="-1">Delivery <code class="wrap">${messageId}</code></h2>
    <${ErrorBox} message=${detail.error} />
    ${!d ? (detail.loading ? html`<${Loading} what="the delivery" />` : null) : html`
      <dl class="stats summary">
        <div class="stat"><dt>function</dt><dd>${d.record.function}</dd></div>
        <div class="stat"><dt>status</dt><dd><${StatusBadge} status=${d.record.status} /></dd></div>
        ${d.where ? html`<div class="stat"><dt>now</dt><dd>${whereNow(d)}</dd></div>` : null}
        <div class="stat"><dt>event</dt><dd>${d.record.eventType}${d.record.eventName ? ` ${d.record.eventName}` : ''}</dd></div>
        <div class="stat"><dt>attempts</dt><dd>${d.record.attempts}</dd></div>
        <div class="stat"><dt>duration</dt><dd>${formatMs(d.record.durationMs)}</dd></div>
        ${d.record.firstSeenAt ? html`<div class="stat"><dt>first seen</dt><dd><${Time} iso=${d.record.firstSeenAt} full=${true} /></dd></div>` : null}
        <div class="stat"><dt>updated</dt><dd><${Time} iso=${d.record.updatedAt} full=${true} /></dd></div>
      </dl>
      ${d.record.lastError ? html`<p class="error-box">Last error: ${errorLine(d.record.lastError)}</p>` : null}
      ${d.where === 'dlq' ? html`<p><button type="button" onClick=${replay}>Replay from the DLQ</button></p>` : null}
      <${StatusLine} message=${replayMessage} />
      <${ErrorBox} message=${replayError} />
      <div class="detail-grid">
        <section class="panel" aria-labelledby="event-title">
          <h3 id="event-title">Event as the function received it</h3>
          ${d.event ? html`<pre class="code">${pretty(d.event)}</pre>` : html`<p class="muted">Not kept (the event left the queue).</p>`}
        </section>
        <section class="panel" aria-labelledby="attempts-title">
          <h3 id="attempts-title">Attempts (${d.attempts.length})</h3>
          ${d.attempts.length === 0 ? html`<p class="muted">No attempt recorded.</p>` : html`<ol class="attempts">${d.attempts.map((a) => html`<li class="attempt">
            <p><strong>#${a.attempt}</strong> <${StatusBadge} status=${a.status} />${a.reason ? html` <span class="muted">(${a.reason})</span>` : null} <${Time} iso=${a.at} full=${true} ms=${true} /> · ${formatMs(a.durationMs)}</p>
            ${a.error ? html`<p class="tone-text-bad">${errorLine(a.error)}</p>` : null}
            ${a.result ? html`<details><summary>Result of this attempt</summary><pre class="code">${prettyText(a.result)}</pre></details>` : null}
            ${a.logs.length > 0 ? html`<details open=${d.attempts.length === 1}><summary>Logs (${a.logs.length} lines)</summary><pre class="code">${a.logs.join('\n')}</pre></details>` : html`<p class="muted">No log output.</p>`}
          </li>`)}</ol>`}
          <h3>Result</h3>
          ${result !== null ? html`<pre class="code" data-testid="delivery-result">${result}</pre>` : html`<p class="muted">No result.</p>`}
        </section>
      </div>`}
  </section>`;
}

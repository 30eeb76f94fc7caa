/** Functions: each one's load status (and error with its line), last hour's outcomes, latency, queue depths, chart. */
import { html } from 'htm/preact';
import type { DeliveryView, FunctionView } from '../api-types';
import { formatMs, formatPerSecond, formatRate } from '../format';
import { href } from '../route';
import { useConsole } from '../state';
import { ErrorBox, Loading } from '../parts/notice';
import { OutcomeChart } from '../parts/outcome-chart';
import { errorLocation, statusLabel } from '../parts/function-status';
import { StatusBadge } from '../parts/status-badge';
import { Time } from '../parts/time';

function LoadErrorBox({ fn, error }: { fn: FunctionView; error: NonNullable<FunctionView['error']> }) {
  const where = errorLocation(error);
  return html`<div class="load-error" role="group" aria-label=${`Load error of ${fn.name}`}>
    <p><strong>${error.name}</strong>: ${error.message}</p>
    ${where ? html`<p>at <code class="location">${where}</code>${error.at ? html` · <${Time} iso=${error.at} />` : null}</p>` : null}
    <p class="muted">${fn.running === false ? 'Not delivering: its events wait in the queue until the code loads.' : 'The previous version keeps running until the file loads again.'}</p>
  </div>`;
}

function Stat({ label, value, tone }: { label: string; value: string | number; tone?: string }) {
  return html`<div class="stat"><dt>${label}</dt><dd class=${tone ? `tone-text-${tone}` : ''}>${value}</dd></div>`;
}

/** The delivery control now: why it is paused, its concurrency limit, latency and rates (issue 15). */
function DeliveryNow({ fn, d }: { fn: FunctionView; d: DeliveryView }) {
  const rate = d.rateLimit ? `${formatPerSecond(d.rateLimit.perSecond)} (burst ${d.rateLimit.burst})` : null;
  const learnt = d.learntRatePerSecond !== null ? formatPerSecond(d.learntRatePerSecond) : null;
  return html`
    ${fn.paused ? html`<p class="paused-reason" role="status">Paused ${d.pausedBy === 'breaker' ? 'by the circuit breaker' : 'by an operator'}: ${fn.pausedReason ?? ''}${
      d.nextProbeAt ? html` · next probe <${Time} iso=${d.nextProbeAt} />` : null}${d.pausedBy === 'operator' ? html` · <code>destfn resume ${fn.name}</code> resumes it` : null}</p>` : null}
    <dl class="stats" aria-label=${`Delivery control of ${fn.name}`}>
      <${Stat} label="concurrency" value=${`${d.limit} of ${d.maxConcurrency}`} />
      <${Stat} label="latency" value=${formatMs(d.latencyMs)} />
      ${rate ? html`<${Stat} label="rate limit" value=${rate} />` : null}
      ${learnt ? html`<${Stat} label="backed off to" value=${learnt} tone="warn" />` : null}
      ${d.measuredRatePerSecond !== null ? html`<${Stat} label="taken without refusals" value=${formatPerSecond(d.measuredRatePerSecond)} />` : null}
    </dl>`;
}

function FunctionCard({ fn }: { fn: FunctionView }) {
  const h = fn.lastHour;
  return html`<article class="card fn-card" aria-labelledby=${`fn-${fn.name}`}>
    <header class="card-head">
      <h3 id=${`fn-${fn.name}`}>${fn.name}</h3>
      <${StatusBadge} status=${fn.status} label=${statusLabel(fn)} />
      ${fn.paused ? html`<${StatusBadge} status="paused" />` : null}
      <span class="spacer"></span>
      <a class="button" href=${href.run(fn.name)}>Run<span class="sr-only"> ${fn.name}</span></a>
      <a class="button secondary" href=${href.deliveries({ function: fn.name })}>Deliveries<span class="sr-only"> of ${fn.name}</span></a>
    </header>
    ${fn.error ? html`<${LoadErrorBox} fn=${fn} error=${fn.error} />` : null}
    <p class="routing muted">${fn.file ? html`<code>${fn.file}</code> · ` : null}sources: ${fn.sources ? fn.sources.join(', ') : 'all'}${fn.filter ? html` · filter <code>${fn.filter}</code>` : null}</p>
    <h4 class="sub">Last hour</h4>
    <dl class="stats">
      <${Stat} label="delivered" value=${h.delivered} tone="good" />
      <${Stat} label="discarded" value=${h.discarded} />
      <${Stat} label="failed" value=${h.failed} tone=${h.failed > 0 ? 'bad' : undefined} />
      <${Stat} label="retried" value=${h.retried} tone=${h.retried > 0 ? 'warn' : undefined} />
      <${Stat} label="filtered" value=${h.filtered} />
      <${Stat} label="success rate" value=${formatRate(h.successRate)} />
      <${Stat} label="p50" value=${formatMs(fn.durationMs.p50)} />
      <${Stat} label="p95" value=${formatMs(fn.durationMs.p95)} />
    </dl>
    <h4 class="sub">Now</h4>
    <dl class="stats">
      <${Stat} label="queued" value=${fn.depth.queued} />
      <${Stat} label="in flight" value=${fn.depth.inFlight} />
      <div class="stat"><dt>DLQ</dt><dd class=${fn.depth.dlq > 0 ? 'tone-text-bad' : ''}>${fn.depth.dlq > 0 ? html`<a href=${href.dlq()}>${fn.depth.dlq}<span class="sr-only"> dead events of ${fn.name}</span></a>` : 0}</dd></div>
    </dl>
    ${fn.delivery ? html`<${DeliveryNow} fn=${fn} d=${fn.delivery} />` : null}
    <${OutcomeChart} minutes=${fn.chart} name=${fn.name} />
  </article>`;
}

export function FunctionsView() {
  const { functions, functionsError } = useConsole();
  return html`<section aria-labelledby="view-title">
    <h2 id="view-title" tabindex="-1">Functions</h2>
    <${ErrorBox} message=${functionsError} />
    ${!functions ? (functionsError ? null : html`<${Loading} what="functions" />`) : html`
      ${functions.functions.length === 0 ? html`<p class="muted">No functions yet: <code>${'npx destfn new <name>'}</code> creates one under functions/.</p>` : null}
      <div class="cards">${functions.functions.map((fn) => html`<${FunctionCard} key=${fn.name} fn=${fn} />`)}</div>
      ${functions.orphans.length > 0 ? html`<section class="card" aria-labelledby="orphans-title">
        <h3 id="orphans-title">Orphaned events</h3>
        <p>In the DLQ of functions that no longer exist: ${functions.orphans.map((o, i) => html`${i > 0 ? ', ' : ''}<strong>${o.function}</strong> (${o.count})`)}.${' '}
          <a href=${href.dlq()}>Discard them in the DLQ view</a>, or replay them there once the function's folder is back.</p>
      </section>` : null}`}
  </section>`;
}

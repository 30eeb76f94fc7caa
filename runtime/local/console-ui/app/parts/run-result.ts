/** What one Run gave: outcome, Callback Return or the error with its stack in the user's file, Log Output, outbound requests. */
import { html } from 'htm/preact';
import type { OutboundRequest, RunResult, StackFrame } from '../api-types';
import { formatMs, pretty, prettyText } from '../format';
import { StatusBadge } from './status-badge';

const frameText = (f: StackFrame) => `${f.file}:${f.line}:${f.column}`;

function ErrorPanel({ error, of }: { error: NonNullable<RunResult['error']>; of?: string }) {
  return html`<section class="panel panel-bad" aria-labelledby="run-error-title">
    <h3 id="run-error-title">Error${of ? html` <span class="muted">of ${of}</span>` : null}</h3>
    <p class="error-message"><strong class="error-class">${error.name}</strong>: ${error.message}</p>
    ${error.stack.length > 0 ? html`<ol class="stack" aria-label="Stack, in your function's file">
      ${error.stack.map((f) => html`<li><code class="location">${frameText(f)}</code>${f.fn ? html` <span class="muted">in ${f.fn}</span>` : null}</li>`)}
    </ol>` : html`<p class="muted">No frame in the function's own file.</p>`}
  </section>`;
}

function Body({ label, text }: { label: string; text: string | undefined }) {
  if (text === undefined || text === '') return html`<p class="muted">${label}: none</p>`;
  return html`<details class="body"><summary>${label} (${text.length} chars)</summary><pre class="code">${prettyText(text)}</pre></details>`;
}

function RequestRow({ request, index }: { request: OutboundRequest; index: number }) {
  return html`<tr>
    <td data-label="#">${index + 1}</td>
    <td data-label="method"><code>${request.method}</code></td>
    <td data-label="URL" class="wrap"><code>${request.url}</code></td>
    <td data-label="status">${request.status === null ? html`<span class="tone-text-bad">${request.error ?? 'no answer'}</span>`
      : html`${request.status}${request.responseStatusText ? ` ${request.responseStatusText}` : ''}`}
      ${request.stubbed ? html` <span class="badge tone-muted">stub</span>` : null}</td>
    <td data-label="time">${formatMs(request.ms)}</td>
    <td data-label="bodies" class="bodies">
      <details class="body"><summary>request headers</summary><pre class="code">${pretty(request.requestHeaders)}</pre></details>
      <${Body} label="request body" text=${request.requestBody} />
      ${request.responseHeaders ? html`<details class="body"><summary>response headers</summary><pre class="code">${pretty(request.responseHeaders)}</pre></details>` : null}
      <${Body} label="response body" text=${request.responseBody} />
      ${request.error && request.status !== null ? html`<p class="tone-text-bad">${request.error}</p>` : null}
    </td>
  </tr>`;
}

/** A batch's events, in order: each one's fate, and what onBatch returned for it or the error it reported. */
function BatchEvents({ events, onBatch }: { events: NonNullable<RunResult['events']>; onBatch: boolean }) {
  return html`<section class="panel" aria-labelledby="batch-events-title">
    <h3 id="batch-events-title">Events (${events.length}) <span class="muted">${onBatch ? 'one call of onBatch' : 'no onBatch: each event through its handler'}</span></h3>
    <table class="rows batch-events">
      <thead><tr><th>#</th><th>messageId</th><th>status</th><th>error or return</th></tr></thead>
      <tbody>${events.map((e, i) => html`<tr key=${i}>
        <td data-label="#">${i}</td>
        <td data-label="messageId" class="wrap"><code>${e.messageId}</code></td>
        <td data-label="status"><${StatusBadge} status=${e.status} />${e.reason ? html` <span class="muted">(${e.reason})</span>` : null}</td>
        <td data-label="error or return" class="wrap">${e.error ? html`<strong class="error-class">${e.error.name}</strong>: ${e.error.message}`
          : html`<code>${e.result === undefined ? 'undefined' : JSON.stringify(e.result)}</code>`}</td>
      </tr>`)}</tbody>
    </table>
  </section>`;
}

/** In a batch, the event whose error the Run shows (the first with the Run's status). */
function erroredEvent(result: RunResult): string | undefined {
  const index = result.events?.findIndex((e) => e.error && e.status === result.status) ?? -1;
  return index < 0 ? undefined : `event ${index} (${result.events![index].messageId})`;
}

export function RunResultView({ result }: { result: RunResult }) {
  return html`<section class="run-result" aria-labelledby="run-result-title" aria-live="polite">
    <h3 id="run-result-title" tabindex="-1">Result <${StatusBadge} status=${result.status} />${result.reason ? html` <span class="muted">(${result.reason})</span>` : null} <span class="muted">${formatMs(result.durationMs)}${result.network ? ` · ${result.network === 'stub' ? 'stubbed network' : 'real network'}` : ''}</span></h3>
    ${result.filterNote ? html`<p class="note">${result.filterNote}</p>` : null}
    ${result.events ? html`<${BatchEvents} events=${result.events} onBatch=${result.onBatch === true} />` : null}
    ${result.error ? html`<${ErrorPanel} error=${result.error} of=${erroredEvent(result)} />` : result.events ? null : html`<section class="panel" aria-labelledby="callback-return-title">
      <h3 id="callback-return-title">Callback Return</h3>
      <pre class="code" data-testid="callback-return">${pretty(result.result)}</pre>
    </section>`}
    <section class="panel" aria-labelledby="log-output-title">
      <h3 id="log-output-title">Log Output</h3>
      ${result.loadLogs && result.loadLogs.length > 0 ? html`<details><summary>While loading (${result.loadLogs.length} lines)</summary><pre class="code">${result.loadLogs.join('\n')}</pre></details>` : null}
      ${result.logs.length > 0 ? html`<pre class="code" data-testid="log-output">${result.logs.join('\n')}</pre>` : html`<p class="muted">Nothing logged.</p>`}
    </section>
    <section class="panel" aria-labelledby="requests-title">
      <h3 id="requests-title">Outbound requests (${result.requests.length})</h3>
      ${result.requests.length === 0 ? html`<p class="muted">The function made no HTTP request.</p>` : html`<table class="rows">
        <thead><tr><th>#</th><th>method</th><th>URL</th><th>status</th><th>time</th><th>bodies</th></tr></thead>
        <tbody>${result.requests.map((r, i) => html`<${RequestRow} request=${r} index=${i} />`)}</tbody>
      </table>`}
    </section>
  </section>`;
}

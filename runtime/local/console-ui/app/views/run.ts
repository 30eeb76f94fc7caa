/**
 * Run: one event (or a batch: a JSON array of events) through a function, as Segment's editor does. An event editor prefilled with a sample of each
 * type or a recent real event, settings with per-run overrides, the network choice, then the result below.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RunRequest, RunResult, SamplesBody, SegmentEvent } from '../api-types';
import { pretty } from '../format';
import { apiPath, errorText, postJson } from '../http';
import { href } from '../route';
import { useConsole } from '../state';
import { useApi } from '../use-api';
import { errorLocation, statusLabel } from '../parts/function-status';
import { ErrorBox, Loading } from '../parts/notice';
import { RunResultView } from '../parts/run-result';
import { overrideValues, SettingsOverrides, type Overrides } from '../parts/settings-overrides';
import { StatusBadge } from '../parts/status-badge';
import { DEFAULT_STUB, NetworkChoice, stubResponse, type StubDraft } from '../parts/stub-editor';

/** The event chosen in the picker: `sample:<type>` or `recent:<index>`. */
function eventOf(samples: SamplesBody, choice: string): SegmentEvent | null {
  const [kind, key] = choice.split(':', 2);
  if (kind === 'sample') return samples.samples[key] ?? null;
  return samples.recent[Number(key)]?.event ?? null;
}

function parseEvent(text: string): object {
  let event: unknown;
  try { event = JSON.parse(text); } catch (err) { throw new Error(`The event is not valid JSON: ${(err as Error).message}`); }
  if (typeof event !== 'object' || event === null) throw new Error('The event must be a JSON object, or an array of events (a batch)');
  return event;
}

function EventPicker({ samples, choice, onChoose }: { samples: SamplesBody; choice: string; onChoose(c: string): void }) {
  return html`<div class="field">
    <label for="event-choice">Start from</label>
    <select id="event-choice" value=${choice} onChange=${(e: Event) => onChoose((e.target as HTMLSelectElement).value)}>
      <optgroup label="Samples">${Object.keys(samples.samples).map((type) => html`<option value=${`sample:${type}`}>${type} sample</option>`)}</optgroup>
      ${samples.recent.length > 0 ? html`<optgroup label="Recent events">${samples.recent.map((r, i) =>
        html`<option value=${`recent:${i}`}>${r.type} ${r.messageId} (${r.receivedAt})</option>`)}</optgroup>` : null}
    </select>
  </div>`;
}

export function RunView({ fn }: { fn: string | null }) {
  const { functions } = useConsole();
  const name = fn ?? functions?.functions[0]?.name ?? null;
  const current = functions?.functions.find((f) => f.name === name) ?? null;
  const samples = useApi<SamplesBody>(name ? apiPath(['functions', name, 'samples']) : null);
  const [choice, setChoice] = useState('sample:track');
  const [eventText, setEventText] = useState<string | null>(null);
  const [overrides, setOverrides] = useState<Overrides>({});
  const [network, setNetwork] = useState<'stub' | 'real'>('stub');
  const [stub, setStub] = useState<StubDraft>(DEFAULT_STUB);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<RunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (samples.data && eventText === null) setEventText(pretty(eventOf(samples.data, choice) ?? { type: 'track', event: 'Test Event' }));
  }, [samples.data, eventText, choice]);

  const choose = (next: string) => {
    setChoice(next);
    const event = samples.data && eventOf(samples.data, next);
    if (event) setEventText(pretty(event));
  };

  const run = async (e: Event) => {
    e.preventDefault();
    if (!name || !current || running) return;
    setError(null);
    let request: RunRequest;
    try {
      request = { event: parseEvent(eventText ?? ''), settings: overrideValues(current.settings, overrides), network };
      if (network === 'stub') request.stub = stubResponse(stub);
    } catch (err) {
      setError(errorText(err));
      return;
    }
    setRunning(true);
    try {
      setResult(await postJson<RunResult>(apiPath(['functions', name, 'run']), request));
      requestAnimationFrame(() => resultRef.current?.querySelector<HTMLElement>('#run-result-title')?.scrollIntoView({ block: 'nearest' }));
    } catch (err) {
      setResult(null);
      setError(`Run failed: ${errorText(err)}`);
    } finally {
      setRunning(false);
    }
  };

  if (!functions) return html`<section><h2 id="view-title" tabindex="-1">Run</h2><${Loading} what="functions" /></section>`;
  if (!name || !current) {
    return html`<section aria-labelledby="view-title"><h2 id="view-title" tabindex="-1">Run</h2>
      <p>${name ? html`No function named <code>${name}</code>.` : 'No functions yet.'} <a href=${href.functions()}>See the functions</a>.</p></section>`;
  }

  return html`<section aria-labelledby="view-title">
    <h2 id="view-title" tabindex="-1">Run <code>${name}</code> <${StatusBadge} status=${current.status} label=${statusLabel(current)} /></h2>
    <div class="field inline">
      <label for="run-function">Function</label>
      <select id="run-function" value=${name} onChange=${(e: Event) => { location.hash = href.run((e.target as HTMLSelectElement).value); }}>
        ${functions.functions.map((f) => html`<option value=${f.name}>${f.name}</option>`)}
      </select>
    </div>
    ${current.status === 'load-failed' && current.error ? html`<p class="error-box">${current.running === false ? 'This function does not load' : 'This function\u2019s last change did not load'}: ${current.error.name}: ${current.error.message}${errorLocation(current.error) ? ` (${errorLocation(current.error)})` : ''}.</p>` : null}
    <form class="run-form" onSubmit=${run}>
      <div class="run-grid">
        <section class="card" aria-labelledby="event-title">
          <h3 id="event-title">Event</h3>
          <${ErrorBox} message=${samples.error && `Samples: ${samples.error}`} />
          ${samples.data ? html`<${EventPicker} samples=${samples.data} choice=${choice} onChoose=${choose} />` : samples.loading ? html`<${Loading} what="samples" />` : null}
          <div class="field editor">
            <label for="event-json">Event JSON <span class="muted">(an array of events tests a batch)</span></label>
            <textarea id="event-json" class="code-input" rows="18" spellcheck=${false} value=${eventText ?? ''}
              onInput=${(e: Event) => setEventText((e.target as HTMLTextAreaElement).value)}></textarea>
          </div>
        </section>
        <section class="card" aria-labelledby="settings-title">
          <h3 id="settings-title">Settings</h3>
          <${SettingsOverrides} settings=${current.settings} overrides=${overrides} onChange=${setOverrides} />
          <${NetworkChoice} network=${network} stub=${stub} onNetwork=${setNetwork} onStub=${setStub} />
        </section>
      </div>
      <div class="actions">
        <button type="submit" id="run-button" disabled=${running || eventText === null} aria-busy=${running}>${running ? 'Running…' : 'Run'}</button>
        <span class="muted">${network === 'stub' ? 'Stubbed network: nothing leaves this machine.' : 'Real network: the function’s requests are really sent.'}</span>
      </div>
      <${ErrorBox} message=${error} />
    </form>
    <div ref=${resultRef}>${result ? html`<${RunResultView} result=${result} />` : null}</div>
  </section>`;
}

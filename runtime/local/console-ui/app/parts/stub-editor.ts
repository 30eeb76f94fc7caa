/** Real network or a stub answer to every fetch the function makes (the default: nothing leaves the machine). */
import { html } from 'htm/preact';
import type { StubResponse } from '../api-types';

export interface StubDraft { status: string; headers: string; body: string }

export const DEFAULT_STUB: StubDraft = { status: '200', headers: '{\n  "content-type": "application/json"\n}', body: '{"ok":true}' };

export function NetworkChoice({ network, stub, onNetwork, onStub }: {
  network: 'stub' | 'real'; stub: StubDraft; onNetwork(n: 'stub' | 'real'): void; onStub(s: StubDraft): void;
}) {
  const field = (key: keyof StubDraft) => (e: Event) => onStub({ ...stub, [key]: (e.target as HTMLInputElement).value });
  return html`<fieldset class="network">
    <legend>Network</legend>
    <label class="choice"><input type="radio" name="network" value="stub" checked=${network === 'stub'} onChange=${() => onNetwork('stub')} />
      Stub: every request gets the answer below, nothing leaves this machine</label>
    <label class="choice"><input type="radio" name="network" value="real" checked=${network === 'real'} onChange=${() => onNetwork('real')} />
      Real network: requests are really sent</label>
    ${network === 'stub' ? html`<div class="stub">
      <div class="field narrow"><label for="stub-status">Stub status</label><input id="stub-status" type="number" min="100" max="599" value=${stub.status} onInput=${field('status')} /></div>
      <div class="field"><label for="stub-headers">Stub headers (JSON)</label><textarea id="stub-headers" rows="3" spellcheck=${false} value=${stub.headers} onInput=${field('headers')}></textarea></div>
      <div class="field"><label for="stub-body">Stub body</label><textarea id="stub-body" rows="3" spellcheck=${false} value=${stub.body} onInput=${field('body')}></textarea></div>
    </div>` : null}
  </fieldset>`;
}

export function stubResponse(draft: StubDraft): StubResponse {
  const status = Number(draft.status);
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error('Stub status: a number from 100 to 599');
  let headers: unknown = {};
  if (draft.headers.trim() !== '') {
    try { headers = JSON.parse(draft.headers); } catch (err) { throw new Error(`Stub headers: not valid JSON (${(err as Error).message})`); }
  }
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw new Error('Stub headers: an object of strings, e.g. {"content-type": "application/json"}');
  }
  return { status, headers: headers as Record<string, string>, body: draft.body };
}

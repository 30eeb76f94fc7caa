/** A function's settings as they are (secrets masked: only whether one is set) with an override field each for one run. */
import { html } from 'htm/preact';
import type { SettingView } from '../api-types';
import { pretty } from '../format';

export type Overrides = Record<string, string>;

function currentValue(setting: SettingView) {
  if (setting.secret) return html`<span class="masked">${setting.set ? '•••••••• (secret, set)' : 'secret, not set'}</span>`;
  if (!setting.set) return html`<span class="muted">not set</span>`;
  return html`<code class="wrap">${typeof setting.value === 'string' ? setting.value : pretty(setting.value)}</code>`;
}

function OverrideField({ setting, value, onInput }: { setting: SettingView; value: string; onInput(v: string): void }) {
  const id = `override-${setting.name}`;
  const label = html`<label for=${id}>Override <span class="sr-only">${setting.name} </span>for this run</label>`;
  const input = (e: Event) => onInput((e.target as HTMLInputElement).value);
  if (setting.type === 'boolean') {
    return html`${label}<select id=${id} value=${value} onChange=${input}><option value="">(keep)</option><option value="true">true</option><option value="false">false</option></select>`;
  }
  if (setting.type === 'array' || setting.type === 'map') {
    return html`${label}<textarea id=${id} rows="2" spellcheck=${false} placeholder=${setting.type === 'map' ? '{"key": "value"}' : '["a", "b"]'} value=${value} onInput=${input}></textarea>`;
  }
  return html`${label}<input id=${id} type=${setting.secret ? 'password' : 'text'} autocomplete="off" spellcheck=${false} value=${value} onInput=${input} />`;
}

export function SettingsOverrides({ settings, overrides, onChange }: { settings: SettingView[]; overrides: Overrides; onChange(o: Overrides): void }) {
  if (settings.length === 0) return html`<p class="muted">This function has no settings.</p>`;
  return html`<ul class="settings">
    ${settings.map((s) => html`<li class="setting">
      <div class="setting-head"><code>${s.name}</code> <span class="muted">${s.type}${s.required ? ', required' : ''}${s.secret ? ', secret' : ''}</span></div>
      <div class="setting-value">${currentValue(s)}</div>
      <div class="field">${html`<${OverrideField} setting=${s} value=${overrides[s.name] ?? ''} onInput=${(v: string) => onChange({ ...overrides, [s.name]: v })} />`}</div>
    </li>`)}
  </ul>`;
}

/** The overrides the user filled in, as setting values; an unreadable one is an error naming the setting. */
export function overrideValues(settings: SettingView[], overrides: Overrides): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const setting of settings) {
    const text = overrides[setting.name] ?? '';
    if (text === '') continue;
    if (setting.type === 'boolean') values[setting.name] = text === 'true';
    else if (setting.type === 'array' || setting.type === 'map') {
      try { values[setting.name] = JSON.parse(text) as unknown; } catch (err) {
        throw new Error(`Override of ${setting.name}: not valid JSON (${(err as Error).message})`);
      }
    } else values[setting.name] = text;
  }
  return values;
}

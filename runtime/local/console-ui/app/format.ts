/** How numbers and times read on the page. Times are shown in the browser's time zone, and say which one. */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function zoneName(date: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'local time';
}

/** `2026-11-29 21:40:05 UTC` (with milliseconds when asked). */
export function formatDateTime(iso: string | null | undefined, withMs = false): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const ms = withMs ? `.${pad(date.getMilliseconds(), 3)}` : '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${ms} ${zoneName(date)}`;
}

/** `21:40:05 UTC` for today, the full date otherwise. */
export function formatRecent(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (date.toDateString() !== now.toDateString()) return formatDateTime(iso);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zoneName(date)}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms == null) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `12.5/s`, `1,200/s`. */
export const formatPerSecond = (n: number): string => (n < 100 ? `${n.toFixed(1)}/s` : `${Math.round(n).toLocaleString('en-US')}/s`);

export const formatRate = (rate: number | null | undefined): string => (rate == null ? '—' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)} %`);

/** A value as indented JSON; `undefined` (nothing returned) says so. */
export function pretty(value: unknown): string {
  if (value === undefined) return 'undefined';
  try { return JSON.stringify(value, null, 2); } catch { return String(value); }
}

/** Text that holds JSON (a stored result snippet, a response body) indented; other text as it is. */
export function prettyText(text: string): string {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

export const errorLine = (error: { name: string; message: string } | string | null | undefined): string =>
  error == null ? '' : typeof error === 'string' ? error : `${error.name}: ${error.message}`;

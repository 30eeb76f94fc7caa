/** A time as a <time> element: readable with its time zone, the exact UTC instant on hover. */
import { html } from 'htm/preact';
import { formatDateTime, formatRecent } from '../format';

export function Time({ iso, full = false, ms = false }: { iso: string | null | undefined; full?: boolean; ms?: boolean }) {
  if (!iso) return html`<span class="muted">—</span>`;
  return html`<time datetime=${iso} title=${iso}>${full ? formatDateTime(iso, ms) : formatRecent(iso)}</time>`;
}

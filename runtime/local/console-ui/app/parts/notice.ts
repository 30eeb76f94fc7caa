/** Messages in the page: an error (announced at once) or a status line (announced politely). */
import { html } from 'htm/preact';

export function ErrorBox({ message }: { message: string | null }) {
  return message ? html`<p class="error-box" role="alert">${message}</p>` : null;
}

export function StatusLine({ message }: { message: string | null }) {
  return html`<p class="status-line" role="status" aria-live="polite">${message ?? ''}</p>`;
}

export function Loading({ what }: { what: string }) {
  return html`<p class="muted" role="status">Loading ${what}…</p>`;
}

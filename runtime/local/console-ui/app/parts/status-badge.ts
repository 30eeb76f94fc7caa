/** A status as a coloured badge that always says it in words (colour is never the only cue). */
import { html } from 'htm/preact';

const LABELS: Record<string, string> = {
  loaded: 'loaded',
  'load-failed': 'reload failed',
  loading: 'loading',
  delivered: 'delivered',
  discarded: 'discarded',
  retrying: 'retrying',
  retry: 'retry',
  failed: 'failed',
  filtered: 'filtered',
  paused: 'paused',
  orphan: 'orphan',
};

const TONES: Record<string, string> = {
  loaded: 'good', delivered: 'good',
  'load-failed': 'bad', failed: 'bad', orphan: 'bad',
  loading: 'warn', retrying: 'warn', retry: 'warn', paused: 'warn',
  discarded: 'muted', filtered: 'muted',
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return html`<span class=${`badge tone-${TONES[status] ?? 'muted'}`}>${label ?? LABELS[status] ?? status}</span>`;
}

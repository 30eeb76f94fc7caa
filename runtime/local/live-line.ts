/** The one-line-per-outcome output of `destfn dev`. */
import type { SettledAttempt } from './settle';

function clock(now: Date): string {
  return now.toISOString().slice(11, 23);
}

function humanDelay(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)}min`;
  return `${(ms / 3_600_000).toFixed(1)}h`;
}

const LABEL: Record<SettledAttempt['status'], string> = {
  delivered: 'delivered',
  discarded: 'discarded',
  retrying: 'retrying ',
  failed: 'failed → DLQ',
};

export function outcomeLine(s: SettledAttempt, now = new Date()): string {
  const parts = [
    clock(now),
    s.message.fn,
    s.message.messageId,
    LABEL[s.status],
    `attempt ${s.message.attempts}`,
    `${Math.round(s.outcome.durationMs)}ms`,
  ];
  if (s.outcome.error) parts.push(`${s.outcome.error.name}: ${s.outcome.error.message.split('\n')[0].slice(0, 200)}`);
  if (s.retryInMs !== null) parts.push(`(next attempt in ${humanDelay(s.retryInMs)})`);
  return parts.join('  ');
}

export function duplicateLine(fn: string, messageId: string, now = new Date()): string {
  return [clock(now), fn, messageId, 'skipped  ', 'already delivered within 24 h'].join('  ');
}

export function noticeLine(text: string, now = new Date()): string {
  return `${clock(now)}  ${text}`;
}

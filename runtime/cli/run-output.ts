/** What `destfn run` prints: the Segment editor's "Callback Return" and "Log Output", or one JSON object. */
import type { Outcome, OutcomeReason } from '../delivery/outcome';

export interface RunReport {
  outcome: Outcome;
  /** Console output of the function's top-level code, shown before the event's own. */
  loadLogs: string[];
  /** Set when the function's filter does not match the event (run invokes it anyway). */
  filterNote: string | null;
}

const RETRIED = 'would be retried (then moved to the DLQ after the last attempt)';
const WHY_DISCARDED: Partial<Record<OutcomeReason, string>> = {
  'unsupported': 'the function does not handle this event',
  'invalid-event': 'invalid event',
  'invalid-settings': 'invalid settings',
  'error': 'the function opts to discard unknown errors',
};

export function formatJson({ outcome, loadLogs }: RunReport): string {
  const { status, result, error } = outcome;
  return `${JSON.stringify({ status, result: result === undefined ? null : result, error, logs: [...loadLogs, ...outcome.logs] })}\n`;
}

export function formatHuman({ outcome, loadLogs, filterNote }: RunReport): string {
  const lines = [...section('Callback Return'), ...callbackReturn(outcome), ''];
  lines.push(...section('Log Output'));
  const logs = [...loadLogs, ...outcome.logs];
  lines.push(...(logs.length ? logs : ['(no output)']), '');
  if (filterNote) lines.push(`note: ${filterNote}`, '');
  lines.push(`status: ${outcome.status} (took ${Math.round(outcome.durationMs)} ms, messageId ${outcome.messageId})`);
  return `${lines.join('\n')}\n`;
}

function section(title: string): string[] {
  return [title, '-'.repeat(title.length)];
}

function callbackReturn(outcome: Outcome): string[] {
  if (outcome.status === 'delivered') {
    return outcome.result === undefined ? ['undefined'] : JSON.stringify(outcome.result, null, 2).split('\n');
  }
  const error = outcome.error ?? { name: 'Error', message: '' };
  const why = (outcome.reason && WHY_DISCARDED[outcome.reason]) ?? outcome.reason ?? 'error';
  const consequence = outcome.status === 'retry' ? RETRIED : `discarded, not retried (${why})`;
  const lines = [`${error.name}: ${error.message}`, `→ ${consequence}`];
  if (/ECONNREFUSED/.test(error.message) && /localhost:3000|127\.0\.0\.1:3000/.test(error.message)) {
    lines.push('hint: nothing listens on port 3000; start the local engine (npm start) or point the setting elsewhere with --settings');
  }
  return lines;
}

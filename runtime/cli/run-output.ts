/**
 * What `destfn run` prints: the Segment editor's "Callback Return" and "Log Output", or one JSON object; for a batch,
 * each event's fate in order (what onBatch returned for it), the batch's output once.
 */
import type { Outcome, OutcomeReason } from '../delivery/outcome';
import { batchRunLogs } from '../invocation/batch-logs';

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

/** A batch run: one outcome per event, in order; `onBatch` when the function has one (its output is the batch's). */
export interface BatchRunReport {
  outcomes: Outcome[];
  onBatch: boolean;
  loadLogs: string[];
  filterNote: string | null;
}

export function isDelivered(report: RunReport | BatchRunReport): boolean {
  return 'outcomes' in report ? report.outcomes.every((o) => o.status === 'delivered') : report.outcome.status === 'delivered';
}

export function formatRunJson(report: RunReport | BatchRunReport): string {
  if (!('outcomes' in report)) return formatJson(report);
  const events = report.outcomes.map(({ messageId, status, result, error, logs }) => ({
    messageId, status, result: result === undefined ? null : result, error, ...(report.onBatch ? {} : { logs }),
  }));
  const logs = [...report.loadLogs, ...(report.onBatch ? batchRunLogs(report.outcomes, true) : [])];
  return `${JSON.stringify({ events, logs })}\n`;
}

export function formatRunHuman(report: RunReport | BatchRunReport): string {
  if (!('outcomes' in report)) return formatHuman(report);
  const { outcomes, onBatch, loadLogs, filterNote } = report;
  const lines = [...section(onBatch ? `Callback Return (onBatch, ${outcomes.length} events)` : `Callback Return (no onBatch: each event through its handler)`)];
  outcomes.forEach((outcome, i) => {
    const [first, ...rest] = callbackReturn(outcome);
    lines.push(`[${i}] ${outcome.messageId}: ${first}`, ...rest.map((line) => `    ${line}`));
  });
  lines.push('', ...section('Log Output'));
  const logs = [...loadLogs, ...batchRunLogs(outcomes, onBatch)];
  lines.push(...(logs.length ? logs : ['(no output)']), '');
  if (filterNote) lines.push(`note: ${filterNote}`, '');
  const count = (status: Outcome['status']) => outcomes.filter((o) => o.status === status).length;
  const took = Math.round(Math.max(...outcomes.map((o) => o.durationMs)));
  lines.push(`status: ${count('delivered')} delivered, ${count('retry')} would be retried, ${count('discarded')} discarded (took ${took} ms)`);
  return `${lines.join('\n')}\n`;
}

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

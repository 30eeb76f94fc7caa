/**
 * Messages between the worker pool (engine) and a function's worker process (IPC, structured clone).
 * The settings travel in `init`, after the spawn: never in the worker's environment or arguments.
 */
import type { FunctionDefinition } from '../function/definition';
import type { Outcome, OutcomeError } from '../delivery';
import type { Settings } from '../settings/resolve';

export interface WorkerInit {
  definition: FunctionDefinition;
  settings: Settings;
  /** Events the worker runs at once; the rest of what it is sent waits in its queue. */
  parallelism: number;
}

export interface WorkerTask {
  /** Queue row id: the pool's key for the task. */
  id: number;
  /** The event as JSON, as stored in the queue (parsed once, in the worker). */
  event: string;
}

export type ToWorker =
  | { type: 'init'; init: WorkerInit }
  | { type: 'run'; tasks: WorkerTask[] }
  /** Start nothing more: hand back what is still waiting (graceful stop, hot reload). */
  | { type: 'drain' };

export interface WorkerResult { id: number; outcome: Outcome }

export type FromWorker =
  | { type: 'ready'; loadLogs: string[] }
  | { type: 'load-error'; error: OutcomeError }
  /**
   * `started`: ids the worker is about to run, sent before their handler's first line, so the pool
   * knows them even if that line never returns (a stuck or crashing worker): exactly those events
   * are blamed, and the ones the worker only held go back unattempted.
   * `results`: finished events (coalesced over a couple of milliseconds).
   * `busy`: now and then, the share of the time since the last one its event loop was busy (0–1).
   */
  | { type: 'progress'; started: number[]; results: WorkerResult[]; busy?: number }
  | { type: 'released'; ids: number[] };

const STATUSES = new Set<unknown>(['delivered', 'discarded', 'retry']);
const REASONS = new Set<unknown>([null, 'unsupported', 'invalid-event', 'invalid-settings', 'retry-error', 'timeout', 'error']);

const isShare = (value: unknown): boolean => typeof value === 'number' && value >= 0 && value <= 1;
const isIds = (value: unknown): value is number[] => Array.isArray(value) && value.every((id) => typeof id === 'number');
const isError = (value: unknown): value is OutcomeError =>
  typeof value === 'object' && value !== null && typeof (value as OutcomeError).name === 'string' && typeof (value as OutcomeError).message === 'string';

function isOutcome(value: unknown): value is Outcome {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Outcome;
  return typeof o.messageId === 'string' && STATUSES.has(o.status) && REASONS.has(o.reason)
    && (o.error === null || isError(o.error)) && Array.isArray(o.logs) && o.logs.every((l) => typeof l === 'string')
    && typeof o.durationMs === 'number' && (o.retryAfterMs === undefined || typeof o.retryAfterMs === 'number')
    && (o.destinationFailed === undefined || o.destinationFailed === true);
}

/**
 * Whether `message` is one a worker sends. The pool checks every message: a function's code may have
 * taken over its worker process and send anything.
 */
export function isFromWorker(message: unknown): message is FromWorker {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as FromWorker;
  switch (m.type) {
    case 'ready': return Array.isArray(m.loadLogs) && m.loadLogs.every((l) => typeof l === 'string');
    case 'load-error': return isError(m.error);
    case 'released': return isIds(m.ids);
    case 'progress': return isIds(m.started) && Array.isArray(m.results) && (m.busy === undefined || isShare(m.busy))
      && m.results.every((r: unknown) => typeof (r as WorkerResult)?.id === 'number' && isOutcome((r as WorkerResult).outcome));
    default: return false;
  }
}

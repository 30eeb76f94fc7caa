/** Messages between the worker pool (engine thread) and a function worker thread. */
import type { FunctionDefinition } from '../function-definition';
import type { Outcome, OutcomeError } from '../outcome';
import type { Settings } from '../settings';

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
  | { type: 'run'; tasks: WorkerTask[] }
  /** Start nothing more: hand back what is still waiting (graceful stop, hot reload). */
  | { type: 'drain' };

export type FromWorker =
  | { type: 'ready'; loadLogs: string[] }
  | { type: 'load-error'; error: OutcomeError }
  /** `started`: ids the worker began running since its last message (so a stuck worker's queue is not blamed). */
  | { type: 'progress'; results: { id: number; outcome: Outcome }[]; started: number[] }
  | { type: 'released'; ids: number[] };

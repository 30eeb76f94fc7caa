/** Messages between the worker pool (engine thread) and a function worker thread. */
import type { FunctionDefinition } from '../function/definition';
import type { Outcome, OutcomeError } from '../delivery';
import type { Settings } from '../settings/resolve';

export interface WorkerInit {
  definition: FunctionDefinition;
  settings: Settings;
  /** Events the worker runs at once; the rest of what it is sent waits in its queue. */
  parallelism: number;
  /**
   * BigInt64Array[parallelism]: the ids of the events running right now (0 = free). Written by the
   * worker as it starts and finishes events, read by the pool when it has to stop the worker (stuck
   * or crashed): exactly those events are blamed, no matter how many finished without a report.
   */
  running: SharedArrayBuffer;
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
  | { type: 'progress'; results: { id: number; outcome: Outcome }[] }
  | { type: 'released'; ids: number[] };

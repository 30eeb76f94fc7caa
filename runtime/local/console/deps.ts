/** What the console reads and changes in the engine: handed over by engine.ts, nothing else is reached. */
import type { EventEmitter } from 'node:events';
import type { DeliveryControlStatus } from '../../delivery-control';
import type { Db } from '../db';
import type { DevSink } from '../dev-sink';
import type { FolderFailure } from '../function-control';
import type { LoadedFunction } from '../loader';
import type { Queue } from '../queue';
import type { RecordStore } from '../records';
import type { RejectedLog } from '../rejected';
import type { ProcessList } from '../worker-pids';
import type { ConsoleAccess } from './access';

/** A running function as the console sees it. */
export interface RunningFunction {
  name: string;
  loaded: LoadedFunction;
  inFlight: number;
  /** Its delivery control (runtime/delivery-control): limit, latency, rates, paused and why. */
  control: DeliveryControlStatus;
}

export type { FolderFailure } from '../function-control';

export interface ConsoleDeps {
  engineId: string;
  startedAt: string;
  access: ConsoleAccess;
  rootDir: string;
  functionsDir: string;
  retryScale: number;
  sourceNames: string[];
  db: Db;
  queue: Queue;
  records: RecordStore;
  rejected: RejectedLog;
  sink: DevSink;
  running(): RunningFunction[];
  /** Where a Run's process is listed while it runs (stopped by the next engine if this one is killed meanwhile). */
  processes?: ProcessList;
  failures(): FolderFailure[];
  /** After a replay: let the function's dispatcher lease at once. */
  wake(fn: string): void;
  /** The engine's 'settled' (fn, SettledAttempt[]) and 'notice' (text) events. */
  events: EventEmitter;
  /** The page at `GET /`, given the token (console-ui's shell). */
  page(token: string): string;
  /** The page's assets by path (`/console/app.js`…), when the console UI is there. */
  assets(): Promise<ReadonlyMap<string, { type: string; body: string }>>;
  onError(err: unknown): void;
}

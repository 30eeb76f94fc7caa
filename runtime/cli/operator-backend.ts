/**
 * Where the operator commands (`destfn deliveries|logs|replay|secrets`) act: the local engine's data
 * (local/backend.ts) or the deployed stack (aws/backend.ts, with --aws). Both report in the same words and
 * formats; a command picks one, once (operator-command.ts).
 */
import type { DeliveryQuery, DeliveryRecord } from '../delivery';
import type { FunctionDefinition } from '../function/definition';

export interface LogsOptions {
  /** The last `limit` records are printed first. */
  limit: number;
  /** Then keep printing newer ones as they come, until `signal` aborts. */
  follow: boolean;
  signal: AbortSignal;
}

/** The functions a backend knows (as their records name them), and where it looked (for an error). */
export interface KnownFunctions { names: string[]; where: string }

export interface OperatorBackend {
  /**
   * The functions it knows, so that `fn` can address a folder's every instance (`fn:eu`, `fn:us`) and an unknown
   * name is an error listing the known ones (operator-targets.ts). Absent: `fn` is expanded from the project's functions folder (project-targets.ts).
   */
  knownFunctions?(): Promise<KnownFunctions>;
  /** A function's delivery records, newest first. */
  deliveries(fn: string, query: DeliveryQuery): Promise<DeliveryRecord[]>;
  /** Writes the captured (redacted) log output of a function, formatted (format-logs.ts), as it is read. */
  logs(fn: string, options: LogsOptions, write: (text: string) => void): Promise<void>;
  /** Moves a function's dead-lettered events back to its queue; returns what to tell the user. */
  replay(fn: string): Promise<string>;
  /** Stores setting values already checked against the function's declaration; returns what to tell the user. */
  setSecrets(definition: FunctionDefinition, values: Readonly<Record<string, unknown>>): Promise<string>;
  /** Releases what the backend opened (the local database). */
  close(): void;
}

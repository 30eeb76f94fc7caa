/**
 * Where `destfn pause|resume|status` act: the local engine's data (local/delivery-control.ts: SQLite, read by a
 * running engine within a quarter of a second), or the deployed stack (aws/control-backend.ts: the function's
 * event source mapping disabled or enabled).
 */
export interface DeliveryControlBackend {
  /** Returns what to tell the user. */
  pause(fn: string, reason: string): Promise<string>;
  resume(fn: string): Promise<string>;
  /** The status of `fn`, or of every function: formatted, or as JSON for scripts. */
  status(fn: string | undefined, format?: 'text' | 'json'): Promise<string>;
  close(): void;
}

/** How a function's load state reads: its status label and where its load error is. */
import type { FunctionView } from '../api-types';

export function errorLocation(error: NonNullable<FunctionView['error']>): string | null {
  if (!error.file) return null;
  return `${error.file}${error.line != null ? `:${error.line}` : ''}${error.column != null ? `:${error.column}` : ''}`;
}

/** `load-failed` reads differently whether an earlier version still runs. */
export function statusLabel(fn: FunctionView): string | undefined {
  if (fn.status !== 'load-failed') return undefined;
  return fn.running === false ? 'load failed' : 'reload failed';
}

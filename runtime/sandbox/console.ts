/** The `console` of function code: Node formatting, written to the current event's log buffer. */
import { format, inspect, type InspectOptions } from 'node:util';
import type { LogBuffer } from '../invocation/log-capture';
import { currentScope } from '../invocation/event-scope';

export type SandboxConsole = Record<
  'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace' | 'table' | 'dir' | 'assert',
  (...args: unknown[]) => void
>;

/** @param fallback where output goes when no event is running (top-level code, stray timers). */
export function createSandboxConsole(fallback: () => LogBuffer): SandboxConsole {
  const write = (line: string) => (currentScope()?.logs ?? fallback()).append(line);
  const log = (...args: unknown[]) => write(format(...args));
  return {
    log,
    info: log,
    warn: log,
    error: log,
    debug: log,
    table: log,
    trace: (...args) => write(`Trace: ${format(...args)}`),
    dir: (value, options) => write(inspect(value, options as InspectOptions | undefined)),
    assert: (condition, ...args) => {
      if (!condition) write(args.length ? `Assertion failed: ${format(...args)}` : 'Assertion failed');
    },
  };
}

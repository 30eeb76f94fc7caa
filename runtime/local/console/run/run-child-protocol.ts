/** Messages between the engine and a console run's process (run-process.ts ↔ run-child.ts). */
import type { RunInput, RunResult } from './execute-run';

export type ToRunChild = { type: 'run'; input: RunInput };
export type FromRunChild = { type: 'result'; result: RunResult } | { type: 'error'; message: string };

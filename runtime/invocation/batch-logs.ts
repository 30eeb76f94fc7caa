/**
 * The Log Output of a test batch (`destfn run`, the console's Run): onBatch's once (every outcome of the batch
 * holds the same lines), or each event's through its own handler, prefixed with its index.
 */
import type { Outcome } from '../delivery/outcome';

export function batchRunLogs(outcomes: readonly Outcome[], onBatch: boolean): string[] {
  if (onBatch) return outcomes[0]?.logs ?? [];
  return outcomes.flatMap((o, i) => o.logs.map((line) => `[${i}] ${line}`));
}

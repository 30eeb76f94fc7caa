/**
 * The ingest Lambda's routing table, written into its code asset (contract INGEST_ROUTING_FILE) rather than its
 * environment: Lambda's 4 KB of environment hold about 20 functions. Queues are named, not referenced, so the
 * table is known at synth and adding a function changes only its entry.
 */
import { functionResourceNames, type IngestRoutingFile } from '../runtime/aws/contract';
import type { DeployableFunction } from './function-discovery';

export function ingestRoutingFile(stackName: string, functions: readonly DeployableFunction[]): IngestRoutingFile {
  return {
    functions: functions.map(({ definition }) => ({
      name: definition.name,
      queueName: functionResourceNames(stackName, definition.name).queue,
      sources: definition.config.sources ?? null,
      filter: definition.config.filter ?? null,
    })),
  };
}

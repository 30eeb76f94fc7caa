/**
 * The operator commands on the deployed stack (--aws): resource names from the stack outputs, region and
 * credentials found like the AWS CLI (aws-config.ts). Loaded only when --aws is given.
 */
import { dirname } from 'node:path';
import { formatLogs } from '../format-logs';
import type { OperatorBackend } from '../operator-backend';
import type { AwsTarget } from './aws-config';
import { listDeliveriesAws } from './deliveries';
import { fetchLogsAws } from './logs';
import { replayAws } from './replay';
import { setSecretsAws } from './secrets';

export function createAwsBackend(target: AwsTarget): OperatorBackend {
  return {
    deliveries(fn, query) {
      return listDeliveriesAws(fn, query, target);
    },

    async logs(fn, { limit, follow, signal }, write) {
      for await (const record of fetchLogsAws(fn, { ...target, follow, limit, signal })) write(formatLogs([record]));
    },

    async replay(fn) {
      const { taskHandle, approximateMessages } = await replayAws(fn, target);
      return taskHandle === null
        ? `replay: the DLQ of "${fn}" is empty; nothing to move.\n`
        : `replay: moving about ${approximateMessages} message(s) from the DLQ of "${fn}" back to its queue (SQS message move task ${taskHandle}); `
          + 'a message holds the events of one ingest request: its Lambda delivers those not delivered yet and skips the others.\n';
    },

    async setSecrets(definition, values) {
      const names = await setSecretsAws(definition.name, values, { ...target, functionsDir: dirname(definition.dir) });
      return `set ${names.join(', ')} in the Secrets Manager secret of "${definition.name}"; its Lambda uses the new values within 5 minutes.\n`;
    },

    close() {},
  };
}

/**
 * The `--aws` branches of `destfn deliveries|logs|replay|secrets`: same output as the local commands, with
 * names resolved from the stack outputs. Loaded only when --aws is given (the local CLI never loads the SDK).
 */
import type { DeliveryStatus } from '../../delivery/outcome';
import type { AwsTarget } from './aws-config';
import { formatDeliveries, formatDeliveriesJson } from '../format-deliveries';
import { formatLogs } from '../format-logs';
import { listDeliveriesAws } from './deliveries';
import { fetchLogsAws } from './logs';
import { replayAws } from './replay';
import { setSecretsAws } from './secrets';

async function run(command: string, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (err) {
    process.stderr.write(`destfn ${command} --aws: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

export function deliveriesAwsCommand(fn: string, opts: { status?: DeliveryStatus; limit: number; json: boolean }, target: AwsTarget = {}): Promise<number> {
  return run('deliveries', async () => {
    const records = await listDeliveriesAws(fn, { status: opts.status, limit: opts.limit }, target);
    process.stdout.write(opts.json ? formatDeliveriesJson(records) : formatDeliveries(records));
  });
}

export function logsAwsCommand(fn: string, opts: { follow: boolean; limit: number }, target: AwsTarget = {}): Promise<number> {
  return run('logs', async () => {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      for await (const record of fetchLogsAws(fn, { ...target, follow: opts.follow, limit: opts.limit, signal: controller.signal })) {
        process.stdout.write(formatLogs([record]));
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  });
}

export function replayAwsCommand(fn: string, target: AwsTarget = {}): Promise<number> {
  return run('replay', async () => {
    const { taskHandle, approximateMessages } = await replayAws(fn, target);
    process.stdout.write(taskHandle === null
      ? `replay: the DLQ of "${fn}" is empty; nothing to move.\n`
      : `replay: moving about ${approximateMessages} event(s) from the DLQ of "${fn}" back to its queue (SQS message move task ${taskHandle}); `
        + 'its Lambda delivers them as they arrive.\n');
  });
}

export function secretsAwsCommand(fn: string, values: Record<string, unknown>, functionsDir: string, target: AwsTarget = {}): Promise<number> {
  return run('secrets', async () => {
    const names = await setSecretsAws(fn, values, { ...target, functionsDir });
    process.stdout.write(`set ${names.join(', ')} in the Secrets Manager secret of "${fn}"; its Lambda uses the new values within 5 minutes.\n`);
  });
}

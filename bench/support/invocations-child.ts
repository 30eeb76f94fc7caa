/**
 * Some of the SQS event source's concurrent invocations in a process of their own (bench:aws-path's delivery
 * throughput phase): BENCH_INVOCATIONS pollers, each one Lambda instance (its own destination handler from the
 * shipped bundle: clients, delivery control, store), each receiving a batch as the event source does
 * (event-source.ts), invoking, deleting what was not reported. The handler's environment is this process's.
 * Prints {"control"} when ready and starts on POST to it; GET answers {invocations, failures, logBytes, errors, limits}. The
 * handlers' output (CloudWatch Logs on Lambda) is counted, not printed. Exits when stdin closes.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { interceptLocalhostDns } from '../../test/aws/support/localhost-dns'; // the tests' own helper: one copy
import { startControlServer } from './control-server';
import { deleteDone, receiveBatch } from './event-source';
import { lambdaContext } from './lambda-context';
import { loadShippedBundles } from './shipped-lambdas';

async function main(): Promise<void> {
  interceptLocalhostDns();
  const env = process.env;
  const queue = { url: String(env.BENCH_QUEUE_URL), arn: String(env.BENCH_QUEUE_ARN) };
  const batchSize = Number(env.BENCH_BATCH_SIZE);
  const windowMs = Number(env.BENCH_WINDOW_MS);
  const timeoutMs = Number(env.BENCH_TIMEOUT_MS);
  const { createDestinationHandler } = loadShippedBundles();
  const handlers = Array.from({ length: Number(env.BENCH_INVOCATIONS) }, () => createDestinationHandler(env));
  const sqs = new SQSClient({ endpoint: env.AWS_ENDPOINT_URL_SQS, region: 'us-east-1', maxAttempts: 1 });
  const stats = { invocations: 0, failures: 0, logBytes: 0, errors: [] as string[], limits: [] as number[] };
  let started = false;

  const poll = async (handler: (typeof handlers)[number]) => {
    for (;;) {
      const records = await receiveBatch(sqs, queue, batchSize, windowMs);
      if (records.length === 0) continue;
      stats.invocations++;
      const response = await handler({ Records: records }, lambdaContext(String(env.DESTFN_FUNCTION_NAME), timeoutMs));
      stats.failures += response.batchItemFailures.length;
      await deleteDone(sqs, queue, records, response);
    }
  };
  const control = await startControlServer(() => stats, () => {
    if (started) return;
    started = true;
    for (const handler of handlers) poll(handler).catch((err: unknown) => stats.errors.push(err instanceof Error ? err.message : String(err)));
  });
  process.stdout.write(`${JSON.stringify({ control: control.port })}\n`);
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = ((chunk: string | Uint8Array) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      stats.logBytes += Buffer.byteLength(text);
      // The delivery control's EMF line (runtime/aws/limiter.ts): the adaptive limit each instance runs at.
      const limit = /"ConcurrencyLimit":(\d+)/.exec(text);
      if (limit) stats.limits.push(Number(limit[1]));
      return true;
    }) as typeof stream.write;
  }
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });

/**
 * `destfn status [fn] --aws`: per deployed function, its event source mapping (the operator's pause) and what each of
 * its Lambda instances last said about its delivery control (instance-states.ts: limit, latency, circuit breaker).
 */
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionOutputs } from '../../aws/contract';
import type { AwsClientConfig, AwsTarget } from './aws-config';
import { eventSourceStates } from './event-source-mappings';
import { functionResources } from './function-resources';
import { INSTANCE_WINDOW_MS, instanceStates, type InstanceState } from './instance-states';
import { withClientConfig, type AwsOpsOptions } from './stack-outputs';

/** SQS's approximate counts: waiting (visible), in flight (received, not yet deleted), dead-lettered. */
export interface QueueDepth { waiting: number; inFlight: number; dlq: number }

export interface AwsFunctionStatus {
  fn: string;
  mappings: EventSourceMappingConfiguration[];
  /** Or why they could not be read (the mapping's state is still worth showing). */
  instances: InstanceState[] | { error: string };
  depth: QueueDepth | { error: string };
}

export async function awsFunctionStatus(fn: string, target: AwsTarget): Promise<AwsFunctionStatus> {
  const { clientConfig } = await withClientConfig(target);
  // The function's resources are looked up once, for the three reads.
  const resources = await functionResources(fn, { ...target, clientConfig });
  const opts: AwsOpsOptions = { ...target, clientConfig, resources };
  const mappings = await eventSourceStates(fn, opts);
  const [instances, depth] = await Promise.all([
    orError(instanceStates(fn, opts), []),
    orError(queueDepth(clientConfig, resources), { error: 'the queue does not exist' }),
  ]);
  return { fn, mappings, instances, depth };
}

/** The value, or why it could not be read; `missing` when what it reads does not exist (no log group yet: never ran). */
async function orError<T>(read: Promise<T>, missing: T | { error: string }): Promise<T | { error: string }> {
  try {
    return await read;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return missing;
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

async function queueDepth(clientConfig: AwsClientConfig, resources: FunctionOutputs): Promise<QueueDepth> {
  const sqs = new SQSClient(clientConfig);
  try {
    const count = async (url: string) => (await sqs.send(new GetQueueAttributesCommand({
      QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }))).Attributes ?? {};
    const [queue, dlq] = await Promise.all([count(resources.queueUrl), count(resources.dlqUrl)]);
    return {
      waiting: Number(queue.ApproximateNumberOfMessages ?? 0), inFlight: Number(queue.ApproximateNumberOfMessagesNotVisible ?? 0),
      dlq: Number(dlq.ApproximateNumberOfMessages ?? 0) + Number(dlq.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  } finally {
    sqs.destroy();
  }
}

const isPaused = (m: EventSourceMappingConfiguration) => m.State === 'Disabled' || m.State === 'Disabling';

export function formatAwsStatus(statuses: AwsFunctionStatus[], now = Date.now()): string {
  return statuses.map(({ fn, mappings, instances, depth }) => {
    const lines = mappings.map((m) => `${fn}: ${isPaused(m) ? 'PAUSED (event source disabled by `destfn pause --aws`)' : `event source ${m.State?.toLowerCase() ?? 'unknown'}`}; `
      + `batch ${m.BatchSize ?? '?'}, at most ${m.ScalingConfig?.MaximumConcurrency ?? '?'} concurrent invocations`);
    lines.push('error' in depth ? `  queue: cannot read it (${depth.error})` : `  queue ${depth.waiting} waiting, ${depth.inFlight} in flight (approximate); DLQ ${depth.dlq}`);
    return `${lines.join('\n')}\n${formatInstances(instances, now)}  outcomes, latency and history: the CloudWatch dashboard <stack>-${fn}-delivery\n`;
  }).join('');
}

export function awsStatusJson(statuses: AwsFunctionStatus[]): string {
  const functions = statuses.map(({ fn, mappings, instances, depth }) => ({
    fn,
    depth: 'error' in depth ? null : depth,
    ...('error' in depth ? { depthError: depth.error } : {}),
    eventSources: mappings.map((m) => ({
      state: m.State ?? null, paused: isPaused(m), batchSize: m.BatchSize ?? null, maximumConcurrency: m.ScalingConfig?.MaximumConcurrency ?? null,
    })),
    ...(Array.isArray(instances)
      ? { instances: instances.map((i) => ({ ...i, at: new Date(i.at).toISOString() })) }
      : { instances: null, instancesError: instances.error }),
  }));
  return `${JSON.stringify({ functions }, null, 2)}\n`;
}

/** The circuit breaker, limit and latency of each instance, from their latest lines. */
function formatInstances(instances: InstanceState[] | { error: string }, now: number): string {
  if (!Array.isArray(instances)) return `  instances: cannot read their log lines (${instances.error})\n`;
  const minutes = INSTANCE_WINDOW_MS / 60_000;
  if (instances.length === 0) return `  no Lambda instance reported in the last ${minutes} min (no events meanwhile)\n`;
  const ago = (at: number) => `${Math.max(0, Math.round((now - at) / 1000))} s ago`;
  const paused = instances.filter((i) => i.paused);
  const latencies = instances.map((i) => (i.latencyMs === null ? '-' : `${i.latencyMs} ms`)).join(', ');
  const out = [`  ${instances.length} instance(s) reported in the last ${minutes} min, concurrency limit ${instances.map((i) => i.limit).join(', ')}, latency ${latencies} (newest first, as of ${ago(instances[0].at)})`];
  out.push(paused.length === 0
    ? '  circuit breaker: not paused in any of them'
    : `  circuit breaker: PAUSED in ${paused.length} of ${instances.length} instance(s): ${paused[0].reason ?? 'destination failing'} (as of ${ago(paused[0].at)})`);
  return `${out.join('\n')}\n`;
}

/**
 * `destfn pause|resume|status <fn> --aws`: the pause that costs a deployed function no attempts. Its SQS event
 * source mapping is disabled (UpdateEventSourceMapping Enabled=false): Lambda stops receiving from the queue, the
 * events wait there with their receive counts untouched until `resume` enables it again. (The circuit breaker
 * inside the Lambda, runtime/aws/limiter.ts, pauses by itself but each deferral is one SQS receive.)
 * The mapping is found by its queue: ListEventSourceMappings(EventSourceArn), whatever function version or alias it
 * invokes. Operators need lambda:ListEventSourceMappings and lambda:UpdateEventSourceMapping (docs/delivery-control.md).
 */
import type { EventSourceMappingConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import type { DeliveryControlBackend } from '../delivery-control-backend';
import type { AwsTarget } from './aws-config';
import { functionResources } from './function-resources';
import { INSTANCE_WINDOW_MS, instanceStates, type InstanceState } from './instance-states';
import { withClientConfig, type AwsOpsOptions } from './stack-outputs';

type LambdaModule = typeof import('@aws-sdk/client-lambda');

/** arn:aws:sqs:<region>:<account>:<name> of a queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>). */
export function queueArnOf(queueUrl: string, region: string): string {
  const [account, name] = new URL(queueUrl).pathname.split('/').filter(Boolean);
  if (!account || !name) throw new Error(`not an SQS queue URL: ${queueUrl}`);
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

async function withMappings<T>(fn: string, options: AwsOpsOptions, body: (lambda: LambdaClient, sdk: LambdaModule, mappings: EventSourceMappingConfiguration[]) => Promise<T>): Promise<T> {
  const opts = await withClientConfig(options);
  const { queueUrl } = await functionResources(fn, opts);
  const sdk = require('@aws-sdk/client-lambda') as LambdaModule;
  const client = new sdk.LambdaClient(opts.clientConfig);
  try {
    const mappings: EventSourceMappingConfiguration[] = [];
    let Marker: string | undefined;
    do {
      const page = await client.send(new sdk.ListEventSourceMappingsCommand({ EventSourceArn: queueArnOf(queueUrl, opts.clientConfig.region), Marker }));
      mappings.push(...page.EventSourceMappings ?? []);
      Marker = page.NextMarker;
    } while (Marker);
    if (mappings.length === 0) throw new Error(`function "${fn}" has no event source mapping on its queue: redeploy it with \`npx cdk deploy\``);
    return await body(client, sdk, mappings);
  } finally {
    client.destroy();
  }
}

/** Enables or disables the event source mapping(s) of `fn`'s queue; returns their states after the call. */
export async function switchEventSource(fn: string, enabled: boolean, options: AwsOpsOptions = {}): Promise<string[]> {
  return withMappings(fn, options, async (client, sdk, mappings) => {
    const states: string[] = [];
    for (const m of mappings) {
      const updated = await client.send(new sdk.UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: enabled }));
      states.push(updated.State ?? 'unknown');
    }
    return states;
  });
}

export async function eventSourceStates(fn: string, options: AwsOpsOptions = {}): Promise<EventSourceMappingConfiguration[]> {
  return withMappings(fn, options, async (_client, _sdk, mappings) => mappings);
}

export function createAwsControlBackend(target: AwsTarget): DeliveryControlBackend {
  return {
    async pause(fn) {
      const states = await switchEventSource(fn, false, target);
      return `pause --aws: the event source of "${fn}" is ${states.join(', ').toLowerCase()}: its Lambda stops receiving within a minute; `
        + `events wait in its queue without using attempts (mind the queue's retention, 14 days). \`destfn resume ${fn} --aws\` resumes.\n`;
    },
    async resume(fn) {
      const states = await switchEventSource(fn, true, target);
      return `resume --aws: the event source of "${fn}" is ${states.join(', ').toLowerCase()}: its Lambda receives its queue again.\n`;
    },
    async status(fn, format = 'text') {
      if (fn === undefined) throw new Error('name a function: destfn status <function> --aws (the per-function dashboard shows them all)');
      const mappings = await eventSourceStates(fn, target);
      const instances = await instancesOrError(fn, target);
      if (format === 'json') {
        const eventSources = mappings.map((m) => ({
          state: m.State ?? null, paused: m.State === 'Disabled' || m.State === 'Disabling', batchSize: m.BatchSize ?? null,
          maximumConcurrency: m.ScalingConfig?.MaximumConcurrency ?? null,
        }));
        const json = Array.isArray(instances)
          ? { instances: instances.map((i) => ({ ...i, at: new Date(i.at).toISOString() })) }
          : { instances: null, instancesError: instances.error };
        return `${JSON.stringify({ functions: [{ fn, eventSources, ...json }] }, null, 2)}\n`;
      }
      const lines = mappings.map((m) => {
        const paused = m.State === 'Disabled' || m.State === 'Disabling';
        return `${fn}: ${paused ? 'PAUSED (event source disabled by `destfn pause --aws`)' : `event source ${m.State?.toLowerCase() ?? 'unknown'}`}; `
          + `batch ${m.BatchSize ?? '?'}, at most ${m.ScalingConfig?.MaximumConcurrency ?? '?'} concurrent invocations`;
      });
      return `${lines.join('\n')}\n${formatInstances(instances)}  outcomes, latency and history: the CloudWatch dashboard <stack>-${fn}-delivery\n`;
    },
    close() {},
  };
}

/** The instances' states, or why they could not be read (the event source's state is still worth showing). */
async function instancesOrError(fn: string, target: AwsTarget): Promise<InstanceState[] | { error: string }> {
  try {
    return await instanceStates(fn, target);
  } catch (err) {
    // No log group yet: the function has never run since it was deployed.
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return [];
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** The circuit breaker and limit of each instance, from their latest lines (instance-states.ts). */
function formatInstances(instances: InstanceState[] | { error: string }, now = Date.now()): string {
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

/**
 * A deployed function's SQS event source mappings, for `destfn pause|resume|status --aws` (control-backend.ts): the
 * pause that costs a deployed function no attempts. Its mapping is disabled (UpdateEventSourceMapping
 * Enabled=false): Lambda stops receiving from the queue, the events wait there with their receive counts untouched until `resume` enables it again. (The circuit breaker
 * inside the Lambda, runtime/aws/limiter.ts, pauses by itself but each deferral is one SQS receive.)
 * The mapping is found by its queue: ListEventSourceMappings(EventSourceArn), whatever function version or alias it
 * invokes. Operators need lambda:ListEventSourceMappings and lambda:UpdateEventSourceMapping (docs/delivery-control.md).
 */
import type { EventSourceMappingConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import { functionResources } from './function-resources';
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

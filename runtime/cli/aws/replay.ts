/**
 * `destfn replay <fn> --aws`: SQS StartMessageMoveTask from the function's DLQ back to the queue the messages
 * came from (no DestinationArn = their source queue). The move runs in AWS after this returns. A message moves
 * whole, with every event it holds (runtime/aws/sqs-message.ts); the destination Lambda skips those of its events
 * it already delivered or discarded (their records carry the message's pack id and outlive the DLQ's retention),
 * so a replay delivers per event. The failed events themselves: `destfn deliveries <fn> --aws --status failed`.
 */
import { GetQueueAttributesCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { functionResources } from './function-resources';
import { withClientConfig, type AwsOpsOptions } from './stack-outputs';

export interface ReplayResult {
  /** Null when the DLQ was empty and nothing was started. */
  taskHandle: string | null;
  /** ApproximateNumberOfMessages of the DLQ when the move started (messages, each of one or more events). */
  approximateMessages: number;
}

export async function replayAws(fn: string, options: AwsOpsOptions = {}): Promise<ReplayResult> {
  const opts = await withClientConfig(options);
  const { dlqUrl, dlqArn } = await functionResources(fn, opts);
  const client = new SQSClient(opts.clientConfig);
  try {
    const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    const approximateMessages = Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0);
    if (approximateMessages === 0) return { taskHandle: null, approximateMessages };
    const task = await client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    return { taskHandle: task.TaskHandle ?? null, approximateMessages };
  } finally {
    client.destroy();
  }
}

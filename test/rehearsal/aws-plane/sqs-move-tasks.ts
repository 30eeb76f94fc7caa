/**
 * SQS message move tasks (StartMessageMoveTask / ListMessageMoveTasks), which fauxqs lacks: after the IAM check the
 * plane moves every visible message of the dead-letter queue to DestinationArn, or back to the queue whose
 * RedrivePolicy names the DLQ (AWS sends each message back to the queue it came from; fauxqs does not record that,
 * so a DLQ shared by several queues is refused). Like AWS, the task runs after the call has answered.
 * Moved messages are sent anew (new MessageId, receive count 0), bodies and message attributes kept.
 */
import {
  DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { AwsFault } from './errors';
import type { SqsQueues } from './sqs-queues';

export interface MoveTask {
  TaskHandle: string;
  Status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  SourceArn: string;
  DestinationArn: string;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  StartedTimestamp: number;
  FailureReason?: string;
}

export class MessageMoveTasks {
  private readonly tasks: MoveTask[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly queues: SqsQueues) {}

  /** Where a task from `sourceArn` moves messages (validated: both queues exist, the source is a DLQ). */
  async destinationOf(sourceArn: string, destinationArn?: string): Promise<string> {
    if (!(await this.queues.exists(sourceArn))) throw queueDoesNotExist();
    if (destinationArn) {
      if (!(await this.queues.exists(destinationArn))) throw queueDoesNotExist();
      return destinationArn;
    }
    const sources = await this.queues.redriveSourcesOf(sourceArn);
    if (sources.length === 1) return sources[0];
    throw new AwsFault({
      status: 400, code: 'com.amazonaws.sqs#UnsupportedOperation', queryCode: 'AWS.SimpleQueueService.UnsupportedOperation',
      message: sources.length === 0
        ? 'Source queue must be configured as a Dead Letter Queue.'
        : `The plane cannot tell which of ${sources.join(', ')} each message came from: give DestinationArn.`,
    });
  }

  async start(sourceArn: string, destinationArn: string): Promise<{ TaskHandle: string }> {
    const source = this.queues.toFauxqs(this.queues.planeUrlOfArn(sourceArn));
    const { Attributes = {} } = await this.queues.direct.send(new GetQueueAttributesCommand({ QueueUrl: source, AttributeNames: ['ApproximateNumberOfMessages'] }));
    const task: MoveTask = {
      TaskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString('base64'),
      Status: 'RUNNING',
      SourceArn: sourceArn,
      DestinationArn: destinationArn,
      ApproximateNumberOfMessagesMoved: 0,
      ApproximateNumberOfMessagesToMove: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      StartedTimestamp: Date.now(),
    };
    this.tasks.push(task);
    const run = this.move(task, source, this.queues.toFauxqs(this.queues.planeUrlOfArn(destinationArn)))
      .then(() => { task.Status = 'COMPLETED'; })
      .catch((err: unknown) => { task.Status = 'FAILED'; task.FailureReason = err instanceof Error ? err.message : String(err); })
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return { TaskHandle: task.TaskHandle };
  }

  /** Newest first, as AWS lists them. */
  list(sourceArn: string, maxResults = 1): MoveTask[] {
    return this.tasks.filter((t) => t.SourceArn === sourceArn).reverse().slice(0, maxResults);
  }

  /** Resolves when every started task has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async move(task: MoveTask, source: string, destination: string): Promise<void> {
    const sqs = this.queues.direct;
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: source, MaxNumberOfMessages: 10, VisibilityTimeout: 60, MessageAttributeNames: ['All'],
      }));
      if (Messages.length === 0) return;
      const sent = await sqs.send(new SendMessageBatchCommand({
        QueueUrl: destination,
        Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '', MessageAttributes: m.MessageAttributes })),
      }));
      if (sent.Failed?.length) throw new Error(`moving to ${task.DestinationArn} failed: ${JSON.stringify(sent.Failed)}`);
      await sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: source, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }));
      task.ApproximateNumberOfMessagesMoved += Messages.length;
    }
  }
}

function queueDoesNotExist(): AwsFault {
  return new AwsFault({
    status: 400, code: 'com.amazonaws.sqs#QueueDoesNotExist', queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
    message: 'The specified queue does not exist.',
  });
}

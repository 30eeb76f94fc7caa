/**
 * SQS (awsJson1_0, `X-Amz-Target: AmazonSQS.<Op>`, awsQuery-compatible errors) in front of fauxqs.
 * IAM: the batch operations are authorized as their single-message actions; the resource is the queue of
 * QueueUrl (or QueueName, SourceArn); StartMessageMoveTask needs what AWS documents for a redrive:
 * StartMessageMoveTask, ReceiveMessage, DeleteMessage, GetQueueAttributes on the DLQ and SendMessage on the destination.
 */
import type { IamRequest } from './authorizer';
import { AwsFault, type AwsError } from './errors';
import type { PlaneService, ServiceCall } from './service';
import { stringField } from './service';
import type { MessageMoveTasks } from './sqs-move-tasks';
import type { SqsQueues } from './sqs-queues';
import { forward, relay, sendJson } from './wire';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const BATCH_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};
/** Answers that carry queue URLs, which must point at the plane. */
const URL_ANSWERS = new Set(['CreateQueue', 'GetQueueUrl', 'ListQueues', 'ListDeadLetterSourceQueues']);

export class SqsService implements PlaneService {
  readonly style = { protocol: 'json', contentType: CONTENT_TYPE } as const;
  readonly invalidToken: AwsError = {
    status: 403, code: 'com.amazon.coral.service#UnrecognizedClientException', queryCode: 'InvalidClientTokenId',
    message: 'The security token included in the request is invalid.', messageKey: 'Message',
  };

  constructor(private readonly queues: SqsQueues, private readonly moves: MessageMoveTasks, private readonly fauxqsPort: number) {}

  accessDenied(message: string): AwsError {
    return { status: 403, code: 'com.amazon.coral.service#AccessDeniedException', queryCode: 'AccessDenied', message, messageKey: 'Message' };
  }

  async iamRequests({ operation, input }: ServiceCall): Promise<IamRequest[]> {
    const action = `sqs:${BATCH_ACTIONS[operation] ?? operation}`;
    const queueUrl = stringField(input, 'QueueUrl');
    if (queueUrl) return [{ action, resource: this.queues.arnOfUrl(queueUrl) }];
    const queueName = stringField(input, 'QueueName');
    if (queueName) return [{ action, resource: this.queues.arnOfName(queueName, stringField(input, 'QueueOwnerAWSAccountId')) }];
    if (operation === 'StartMessageMoveTask') return this.moveTaskRequests(input);
    const sourceArn = stringField(input, 'SourceArn') ?? sourceArnOfTaskHandle(stringField(input, 'TaskHandle'));
    if (sourceArn) return [{ action, resource: sourceArn }];
    return [{ action, resource: '*' }];
  }

  async handle(call: ServiceCall): Promise<void> {
    const { operation, input, res } = call;
    if (operation === 'StartMessageMoveTask') {
      const source = requiredArn(input, 'SourceArn');
      const destination = await this.moves.destinationOf(source, stringField(input, 'DestinationArn'));
      sendJson(res, 200, await this.moves.start(source, destination), CONTENT_TYPE);
      return;
    }
    if (operation === 'ListMessageMoveTasks') {
      const max = typeof input.MaxResults === 'number' ? input.MaxResults : 1;
      sendJson(res, 200, { Results: this.moves.list(requiredArn(input, 'SourceArn'), max) }, CONTENT_TYPE);
      return;
    }
    const queueUrl = stringField(input, 'QueueUrl');
    const body = queueUrl ? Buffer.from(JSON.stringify({ ...input, QueueUrl: this.queues.toFauxqs(queueUrl, call.region) })) : call.body;
    const upstream = await forward(this.fauxqsPort, call.req, body);
    relay(res, upstream, URL_ANSWERS.has(operation) ? Buffer.from(this.queues.toPlaneText(upstream.body.toString('utf8'))) : upstream.body);
  }

  private async moveTaskRequests(input: Record<string, unknown>): Promise<IamRequest[]> {
    const source = requiredArn(input, 'SourceArn');
    const onSource = ['StartMessageMoveTask', 'ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'].map((a) => ({ action: `sqs:${a}`, resource: source }));
    let destination: string;
    try {
      destination = await this.moves.destinationOf(source, stringField(input, 'DestinationArn'));
    } catch (err) {
      if (err instanceof AwsFault) return onSource; // authorization first; handle() answers the fault
      throw err;
    }
    return [...onSource, { action: 'sqs:SendMessage', resource: destination }];
  }
}

function requiredArn(input: Record<string, unknown>, name: string): string {
  const value = stringField(input, name);
  if (!value) {
    throw new AwsFault({ status: 400, code: 'com.amazonaws.sqs#InvalidAddress', queryCode: 'InvalidAddress', message: `${name} is required.` });
  }
  return value;
}

function sourceArnOfTaskHandle(handle: string | undefined): string | undefined {
  if (!handle) return undefined;
  try {
    return (JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as { sourceArn?: string }).sourceArn;
  } catch {
    return undefined;
  }
}

/**
 * Queue URLs on the plane ↔ queue URLs in fauxqs, and the plane's own unchecked client to fauxqs.
 * The SQS SDK sends each call to the host of its QueueUrl (middleware-sdk-sqs, when no endpoint is configured in
 * code), so the URLs handed to Lambdas must be the plane's: <plane endpoint>/<account>/<name>. fauxqs looks queues
 * up by their exact URL, http://sqs.<region>.localhost:<port>/<account>/<name>, so the plane translates both ways.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';

export class SqsQueues {
  /** Unchecked client straight to fauxqs (explicit endpoint: the SDK then keeps QueueUrl out of routing). */
  readonly direct: SQSClient;
  private readonly fauxqsOrigin: RegExp;

  constructor(private readonly fauxqsPort: number, private readonly planeEndpoint: string, readonly accountId: string, readonly region: string) {
    this.direct = new SQSClient({ endpoint: `http://127.0.0.1:${fauxqsPort}`, region, credentials: { accessKeyId: 'plane', secretAccessKey: 'plane' } });
    this.fauxqsOrigin = new RegExp(`http://sqs\\.[a-z0-9-]+\\.localhost:${fauxqsPort}`, 'g');
  }

  arnOfName(name: string, account = this.accountId): string {
    return `arn:aws:sqs:${this.region}:${account}:${name}`;
  }

  /** The queue ARN of any queue URL (plane or fauxqs form): …/<account>/<name>. */
  arnOfUrl(url: string): string {
    const [account, name] = pathOf(url).split('/').filter(Boolean).slice(-2);
    return this.arnOfName(name ?? '', account);
  }

  planeUrlOfArn(arn: string): string {
    const [, , , , account, name] = arn.split(':');
    return `${this.planeEndpoint}/${account}/${name}`;
  }

  toFauxqs(url: string, region = this.region): string {
    return `http://sqs.${region}.localhost:${this.fauxqsPort}${pathOf(url)}`;
  }

  /** Replaces every fauxqs queue URL origin in an answer with the plane's. */
  toPlaneText(text: string): string {
    return text.replace(this.fauxqsOrigin, this.planeEndpoint);
  }

  async create(name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
    const { QueueUrl } = await this.direct.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const attrs = await this.direct.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return { url: this.toPlaneText(QueueUrl!), arn: attrs.Attributes!.QueueArn! };
  }

  /** ARNs of the queues whose RedrivePolicy names `dlqArn` as their dead-letter queue. */
  async redriveSourcesOf(dlqArn: string): Promise<string[]> {
    const { QueueUrls = [] } = await this.direct.send(new ListQueuesCommand({}));
    const sources: string[] = [];
    for (const url of QueueUrls) {
      const { Attributes = {} } = await this.direct.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'RedrivePolicy'] }));
      if (!Attributes.RedrivePolicy) continue;
      const policy = JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string };
      if (policy.deadLetterTargetArn === dlqArn && Attributes.QueueArn) sources.push(Attributes.QueueArn);
    }
    return sources;
  }

  async exists(arn: string): Promise<boolean> {
    try {
      await this.direct.send(new GetQueueAttributesCommand({ QueueUrl: this.toFauxqs(this.planeUrlOfArn(arn)), AttributeNames: ['QueueArn'] }));
      return true;
    } catch (err) {
      if (err instanceof Error && err.name === 'QueueDoesNotExist') return false;
      throw err;
    }
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.startsWith('/') ? url : `/${url}`;
  }
}

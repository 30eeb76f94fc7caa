/**
 * A real HTTP server on 127.0.0.1 answering one AWS API the way the service does on the wire, for services
 * with no local emulator that the CLI operations use (CloudFormation DescribeStacks, CloudWatch Logs
 * FilterLogEvents, SQS StartMessageMoveTask, which fauxqs lacks). It records each call so tests can check
 * exactly what was asked. Clients reach it through AWS_ENDPOINT_URL_<SERVICE>.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  /** X-Amz-Target's operation (JSON protocols) or the Action parameter (query protocol). */
  operation: string;
  body: string;
  /** The SigV4 Authorization header: its credential scope names the access key id, region and service. */
  authorization: string;
}

export interface FakeReply { status?: number; body: string; contentType?: string }

export interface FakeAws { endpoint: string; calls: FakeCall[]; close(): Promise<void> }

export async function startFakeAws(reply: (call: FakeCall) => FakeReply): Promise<FakeAws> {
  const calls: FakeCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target ? target.split('.').pop()! : new URLSearchParams(body).get('Action') ?? '';
      const call = { operation, body, authorization: String(req.headers.authorization ?? '') };
      calls.push(call);
      const out = reply(call);
      res.writeHead(out.status ?? 200, { 'content-type': out.contentType ?? 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake' });
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A CloudFormation DescribeStacks answer (query protocol, XML). */
export function describeStacksXml(stackName: string, outputs: Record<string, string>): string {
  const members = Object.entries(outputs)
    .map(([k, v]) => `<member><OutputKey>${k}</OutputKey><OutputValue>${v}</OutputValue></member>`).join('');
  return `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>`
    + `<StackName>${stackName}</StackName><StackId>arn:aws:cloudformation:us-east-1:000000000000:stack/${stackName}/1</StackId>`
    + `<StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2025-01-01T00:00:00Z</CreationTime><Outputs>${members}</Outputs>`
    + `</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeStacksResponse>`;
}

export function cloudFormationErrorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>${code}</Code>`
    + `<Message>${message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`;
}

/** The stack outputs of a deployed "orders" function (and the table), with its queues on the fake endpoint. */
export function ordersStackOutputs(endpoint: string, region: string): Record<string, string> {
  return {
    TableName: 'deliveries',
    OrdersQueueUrl: `${endpoint}/000000000000/orders`,
    OrdersDlqUrl: `${endpoint}/000000000000/orders-dlq`,
    OrdersDlqArn: `arn:aws:sqs:${region}:000000000000:orders-dlq`,
    OrdersSecretArn: `arn:aws:secretsmanager:${region}:000000000000:secret:orders`,
    OrdersLogGroup: '/aws/lambda/orders',
  };
}

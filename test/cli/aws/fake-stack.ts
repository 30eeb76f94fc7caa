/**
 * CloudFormation as the `--aws` commands read it, answered by a fake endpoint (test/aws/support/fake-aws.ts):
 * the main stack's outputs (DescribeStacks), each function's nested stack found by its logical id
 * (DescribeStackResource, ListStackResources) and that nested stack's outputs (DescribeStacks by ARN).
 */
import {
  FUNCTION_STACK_OUTPUTS, functionStackLogicalId, type FunctionOutputs,
} from '../../../runtime/aws/contract';
import { cloudFormationErrorXml, describeStacksXml, type FakeCall, type FakeReply } from '../../aws/support/fake-aws';

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const STACK_OPERATIONS = new Set(['DescribeStacks', 'DescribeStackResource', 'ListStackResources']);

export interface FakeStack {
  name: string;
  outputs: Record<string, string>;
  /** Function name → the outputs of its nested stack. */
  functions: Record<string, FunctionOutputs>;
}

/** The nested stack ARN of a function, as CloudFormation names nested stacks ("<main>-<logical id>-<suffix>"). */
export function nestedStackArn(stack: string, fn: string): string {
  return `arn:aws:cloudformation:us-east-1:000000000000:stack/${stack}-${functionStackLogicalId(fn)}-1ABC/0000`;
}

/** The answer to a CloudFormation call, or undefined for any other service's call. */
export function answerStack(call: FakeCall, stack: FakeStack): FakeReply | undefined {
  if (!STACK_OPERATIONS.has(call.operation)) return undefined;
  const params = new URLSearchParams(call.body);
  const name = params.get('StackName') ?? '';
  const fnOfArn = Object.keys(stack.functions).find((fn) => nestedStackArn(stack.name, fn) === name);
  if (call.operation === 'DescribeStacks' && fnOfArn !== undefined) {
    const outputs = Object.fromEntries((Object.keys(FUNCTION_STACK_OUTPUTS) as Array<keyof FunctionOutputs>)
      .map((key) => [FUNCTION_STACK_OUTPUTS[key], stack.functions[fnOfArn][key]]));
    return xml(describeStacksXml(`${stack.name}-${functionStackLogicalId(fnOfArn)}-1ABC`, outputs));
  }
  if (name !== stack.name) return xml(cloudFormationErrorXml('ValidationError', `Stack with id ${name} does not exist`), 400);
  if (call.operation === 'DescribeStacks') return xml(describeStacksXml(stack.name, stack.outputs));
  if (call.operation === 'DescribeStackResource') {
    const logicalId = params.get('LogicalResourceId') ?? '';
    const fn = Object.keys(stack.functions).find((f) => functionStackLogicalId(f) === logicalId);
    if (fn === undefined) return xml(cloudFormationErrorXml('ValidationError', `Resource ${logicalId} does not exist for stack ${stack.name}`), 400);
    return xml(`<DescribeStackResourceResponse xmlns="${XMLNS}"><DescribeStackResourceResult><StackResourceDetail>`
      + `${resourceXml(stack.name, fn)}</StackResourceDetail></DescribeStackResourceResult>${metadata()}</DescribeStackResourceResponse>`);
  }
  const members = Object.keys(stack.functions).map((fn) => `<member>${resourceXml(stack.name, fn)}</member>`).join('');
  return xml(`<ListStackResourcesResponse xmlns="${XMLNS}"><ListStackResourcesResult><StackResourceSummaries>${members}`
    + `</StackResourceSummaries></ListStackResourcesResult>${metadata()}</ListStackResourcesResponse>`);
}

/** The nested stack outputs of a deployed "orders" function, its queues on the fake endpoint. */
export function ordersFunction(endpoint: string, region: string): FunctionOutputs {
  return {
    queueUrl: `${endpoint}/000000000000/Destfn-fn-orders`,
    dlqUrl: `${endpoint}/000000000000/Destfn-dlq-orders`,
    dlqArn: `arn:aws:sqs:${region}:000000000000:Destfn-dlq-orders`,
    secretArn: `arn:aws:secretsmanager:${region}:000000000000:secret:destfn/Destfn/functions/orders-AbCdEf`,
    logGroup: '/destfn/Destfn/functions/orders',
  };
}

function resourceXml(stack: string, fn: string): string {
  return `<LogicalResourceId>${functionStackLogicalId(fn)}</LogicalResourceId><PhysicalResourceId>${nestedStackArn(stack, fn)}</PhysicalResourceId>`
    + `<ResourceType>AWS::CloudFormation::Stack</ResourceType><LastUpdatedTimestamp>2025-01-01T00:00:00Z</LastUpdatedTimestamp>`
    + `<ResourceStatus>CREATE_COMPLETE</ResourceStatus><StackName>${stack}</StackName>`;
}

function metadata(): string {
  return '<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata>';
}

function xml(body: string, status = 200): FakeReply {
  return { status, body, contentType: 'text/xml' };
}

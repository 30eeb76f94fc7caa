/**
 * A deployed function's queue, DLQ, secret and log group: the outputs of its nested stack, found in the main
 * stack by its logical id (contract functionStackLogicalId; DescribeStackResource, then DescribeStacks). A
 * function that is not deployed is an error listing those that are (ListStackResources).
 */
import {
  CloudFormationClient, DescribeStackResourceCommand, ListStackResourcesCommand, type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { FUNCTION_STACK_ID_PREFIX, FUNCTION_STACK_OUTPUTS, functionStackLogicalId, type FunctionOutputs } from '../../aws/contract';
import { readStackOutputs, stackError, stackNameOf, withClientConfig, type AwsOpsOptions } from './stack-outputs';

const NESTED_STACK = 'AWS::CloudFormation::Stack';

export async function functionResources(fn: string, options: AwsOpsOptions = {}): Promise<FunctionOutputs> {
  if (options.resources) return options.resources;
  const opts = await withClientConfig(options);
  const outputs = await readStackOutputs(opts, await functionStackId(fn, opts));
  const get = (key: keyof FunctionOutputs) => {
    const value = outputs[FUNCTION_STACK_OUTPUTS[key]];
    if (!value) throw new Error(`the stack of function "${fn}" has no output ${FUNCTION_STACK_OUTPUTS[key]}: run \`npx cdk deploy\``);
    return value;
  };
  return { queueUrl: get('queueUrl'), dlqUrl: get('dlqUrl'), dlqArn: get('dlqArn'), secretArn: get('secretArn'), logGroup: get('logGroup') };
}

/** The ARN of `fn`'s nested stack; throws, listing the deployed functions, when the stack does not deploy `fn`. */
export async function functionStackId(fn: string, options: AwsOpsOptions = {}): Promise<string> {
  const opts = await withClientConfig(options);
  const stackName = stackNameOf(opts);
  const logicalId = functionStackLogicalId(fn);
  const client = new CloudFormationClient(opts.clientConfig);
  try {
    let detail;
    try {
      detail = (await client.send(new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: logicalId }))).StackResourceDetail;
    } catch (err) {
      if (!/^Resource .*does not exist/i.test(err instanceof Error ? err.message : '')) throw stackError(err, stackName, opts.clientConfig.region);
    }
    if (detail?.PhysicalResourceId && !detail.ResourceStatus?.startsWith('DELETE')) return detail.PhysicalResourceId;
    const ids = await deployedFunctionIds(client, stackName);
    const deployed = ids.length === 0 ? 'the stack has no function' : `deployed functions (as the stack names them): ${ids.join(', ')}`;
    throw new Error(`function "${fn}" is not deployed (no ${logicalId} in stack ${stackName}); ${deployed}. Deploy it with \`npx cdk deploy\``);
  } finally {
    client.destroy();
  }
}

/** The PascalCase ids of the functions the stack deploys (its nested stacks "Function<Id>"). */
async function deployedFunctionIds(client: CloudFormationClient, stackName: string): Promise<string[]> {
  const found: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    found.push(...page.StackResourceSummaries ?? []);
    NextToken = page.NextToken;
  } while (NextToken);
  return found
    .filter((r) => r.ResourceType === NESTED_STACK && r.LogicalResourceId?.startsWith(FUNCTION_STACK_ID_PREFIX) && !r.ResourceStatus?.startsWith('DELETE'))
    .map((r) => r.LogicalResourceId!.slice(FUNCTION_STACK_ID_PREFIX.length))
    .sort();
}

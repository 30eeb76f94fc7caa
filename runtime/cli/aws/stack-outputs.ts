/**
 * The outputs of the deployed CloudFormation stack (DescribeStacks), named as the contract says
 * (runtime/aws/contract.ts): TableName, ApiUrl… A function's own resources are in its nested stack
 * (./function-resources.ts).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { STACK_NAME, STACK_OUTPUTS, type FunctionOutputs } from '../../aws/contract';
import { awsClientConfig, type AwsClientConfig, type AwsTarget } from './aws-config';

export type StackOutputs = Readonly<Record<string, string>>;

export interface AwsOpsOptions extends AwsTarget {
  /** Default: DESTFN_STACK_NAME or "Destfn". */
  stackName?: string;
  /** Already-read outputs of the stack (skips DescribeStacks). */
  outputs?: StackOutputs;
  /** Already-found resources of the function (skips its lookup). */
  resources?: FunctionOutputs;
  /** Region and credentials already resolved from `region`/`profile` (awsClientConfig). */
  clientConfig?: AwsClientConfig;
}

/** The options with region and credentials resolved once, for the stack lookup and every client after it. */
export async function withClientConfig<T extends AwsOpsOptions>(options: T): Promise<T & { clientConfig: AwsClientConfig }> {
  return { ...options, clientConfig: options.clientConfig ?? await awsClientConfig(options) };
}

export function stackNameOf(options: AwsOpsOptions = {}): string {
  return options.stackName ?? (process.env.DESTFN_STACK_NAME || STACK_NAME);
}

/** Why a CloudFormation call about `stackName` failed, said so that the user knows what to do. */
export function stackError(err: unknown, stackName: string, region: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (/^Stack .*does not exist/i.test(message)) {
    return new Error(
      `stack "${stackName}" not found (region ${region}): deploy it with \`npx cdk deploy\`, ` +
      'or choose the region and account it is in (--region, --profile)',
    );
  }
  return new Error(`cannot read stack "${stackName}": ${message}`);
}

/** The outputs of one stack (the main stack by default; a nested stack by its ARN). */
export async function readStackOutputs(options: AwsOpsOptions = {}, stackId?: string): Promise<StackOutputs> {
  if (options.outputs && stackId === undefined) return options.outputs;
  const stackName = stackId ?? stackNameOf(options);
  const { clientConfig } = await withClientConfig(options);
  const client = new CloudFormationClient(clientConfig);
  let stack;
  try {
    stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (err) {
    throw stackError(err, stackName, clientConfig.region);
  } finally {
    client.destroy();
  }
  if (!stack) throw new Error(`stack "${stackName}" not found`);
  const outputs: Record<string, string> = {};
  for (const o of stack.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
  return outputs;
}

export function tableNameOf(outputs: StackOutputs): string {
  const name = outputs[STACK_OUTPUTS.tableName];
  if (!name) throw new Error(`the stack has no ${STACK_OUTPUTS.tableName} output: run \`npx cdk deploy\``);
  return name;
}

/**
 * Names of the deployed resources, from the outputs of the CloudFormation stack (DescribeStacks), named as
 * the contract says (runtime/aws/contract.ts): TableName, and per function <Name>QueueUrl, <Name>DlqUrl,
 * <Name>DlqArn, <Name>SecretArn, <Name>LogGroup (Name = PascalCase of the folder name).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { functionOutputNames, STACK_NAME, STACK_OUTPUTS, type FunctionOutputs } from '../../aws/contract';
import { awsClientConfig, type AwsClientConfig, type AwsTarget } from './aws-config';

export type StackOutputs = Readonly<Record<string, string>>;

export interface AwsOpsOptions extends AwsTarget {
  /** Default: DESTFN_STACK_NAME or "Destfn". */
  stackName?: string;
  /** Already-read outputs (skips DescribeStacks). */
  outputs?: StackOutputs;
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

export async function readStackOutputs(options: AwsOpsOptions = {}): Promise<StackOutputs> {
  if (options.outputs) return options.outputs;
  const stackName = stackNameOf(options);
  const { clientConfig } = await withClientConfig(options);
  const client = new CloudFormationClient(clientConfig);
  let stack;
  try {
    stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/does not exist/i.test(message)) {
      throw new Error(
        `stack "${stackName}" not found (region ${clientConfig.region}): deploy it with \`npx cdk deploy\`, ` +
        'or choose the region and account it is in (--region, --profile)',
      );
    }
    throw new Error(`cannot read stack "${stackName}": ${message}`);
  } finally {
    client.destroy();
  }
  if (!stack) throw new Error(`stack "${stackName}" not found`);
  const outputs: Record<string, string> = {};
  for (const o of stack.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
  return outputs;
}

const QUEUE_URL_SUFFIX = functionOutputNames('x').queueUrl.slice(1);

/** The functions the stack deploys, as their outputs name them (the PascalCase id of `<Id>QueueUrl`). */
export function deployedFunctionIds(outputs: StackOutputs): string[] {
  return Object.keys(outputs).filter((key) => key.endsWith(QUEUE_URL_SUFFIX) && key.length > QUEUE_URL_SUFFIX.length)
    .map((key) => key.slice(0, -QUEUE_URL_SUFFIX.length)).sort();
}

/** Throws, listing the deployed functions, when the stack does not deploy `fn`. */
export function assertDeployed(outputs: StackOutputs, fn: string): void {
  const queueUrl = functionOutputNames(fn).queueUrl;
  if (outputs[queueUrl]) return;
  const ids = deployedFunctionIds(outputs);
  const deployed = ids.length === 0 ? 'the stack has no function' : `deployed functions (as their stack outputs name them): ${ids.join(', ')}`;
  throw new Error(`function "${fn}" is not deployed (stack output ${queueUrl} missing); ${deployed}. Deploy it with \`npx cdk deploy\``);
}

export function functionResources(outputs: StackOutputs, fn: string): FunctionOutputs {
  assertDeployed(outputs, fn);
  const names = functionOutputNames(fn);
  const get = (name: string) => {
    const value = outputs[name];
    if (!value) throw new Error(`function "${fn}" is not deployed (stack output ${name} missing): run \`npx cdk deploy\``);
    return value;
  };
  return {
    queueUrl: get(names.queueUrl), dlqUrl: get(names.dlqUrl), dlqArn: get(names.dlqArn), secretArn: get(names.secretArn), logGroup: get(names.logGroup),
  };
}

export function tableNameOf(outputs: StackOutputs): string {
  const name = outputs[STACK_OUTPUTS.tableName];
  if (!name) throw new Error(`the stack has no ${STACK_OUTPUTS.tableName} output: run \`npx cdk deploy\``);
  return name;
}

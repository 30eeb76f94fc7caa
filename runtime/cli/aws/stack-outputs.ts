/**
 * Names of the deployed resources, from the outputs of the CloudFormation stack (DescribeStacks):
 * ApiUrl, TableName, and per function <Name>QueueUrl, <Name>DlqUrl, <Name>DlqArn, <Name>SecretArn, <Name>LogGroup
 * (Name = PascalCase of the folder name, as lib/ builds them).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { pascalCase } from '../../../lib/names';
import { awsClientConfig, type AwsClientConfig, type AwsTarget } from './aws-config';

export const DEFAULT_STACK_NAME = 'Destfn';

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

export interface FunctionResources {
  queueUrl: string;
  dlqUrl: string;
  dlqArn: string;
  secretArn: string;
  logGroup: string;
}

export function stackNameOf(options: AwsOpsOptions = {}): string {
  return options.stackName ?? (process.env.DESTFN_STACK_NAME || DEFAULT_STACK_NAME);
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

export function functionResources(outputs: StackOutputs, fn: string): FunctionResources {
  const id = pascalCase(fn);
  const get = (suffix: string) => {
    const value = outputs[`${id}${suffix}`];
    if (!value) throw new Error(`function "${fn}" is not deployed (stack output ${id}${suffix} missing): run \`npx cdk deploy\``);
    return value;
  };
  return { queueUrl: get('QueueUrl'), dlqUrl: get('DlqUrl'), dlqArn: get('DlqArn'), secretArn: get('SecretArn'), logGroup: get('LogGroup') };
}

export function tableNameOf(outputs: StackOutputs): string {
  const name = outputs.TableName;
  if (!name) throw new Error('the stack has no TableName output: run `npx cdk deploy`');
  return name;
}

/**
 * Two customer managed policies to attach to people's roles or groups:
 * - Deployers: deploy the stack with the CDK CLI (assume the bootstrap roles, read and change this stack and its
 *   nested stacks), inspect the Lambdas, manage function and source secrets (`destfn secrets set --aws`), and
 *   change which published version runs (`destfn rollback --aws`: the live alias; it runs code only a deploy published).
 * - Operators: find a function's resources (its nested stack), read logs and delivery records, replay DLQs
 *   (StartMessageMoveTask), see which versions exist and which runs (`destfn versions --aws`), pause and resume a
 *   function's event source (`destfn pause|resume --aws`); no secret values.
 * Functions are named by prefix (contract functionResourcePrefixes), never one ARN each: the policies keep their
 * size whatever the number of functions (IAM allows 6,144 characters per managed policy).
 */
import { Construct } from 'constructs';
import { Aws, ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { functionResourcePrefixes } from '../runtime/aws/contract';
import type { DeliveryTable } from './delivery-table';
import { acknowledgePrefixArns, prefixArn } from './prefix-arn';
import type { SourceSecret } from './source-secrets';

export interface AccessPoliciesProps {
  /** The main stack's name, which starts every function resource's name and its nested stacks' names. */
  readonly stackName: string;
  readonly sources: readonly SourceSecret[];
  readonly deliveries: DeliveryTable;
  readonly ingest: { readonly handler: lambda.IFunction; readonly logGroup: logs.ILogGroup };
}

const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';
/** `destfn versions --aws`: the published versions and the live alias (runtime/cli/aws/lambda-versions.ts). */
const READ_VERSIONS = ['lambda:ListVersionsByFunction', 'lambda:GetAlias'];
const BOOTSTRAP_ROLES = ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role'];

export class AccessPolicies extends Construct {
  readonly deployers: iam.ManagedPolicy;
  readonly operators: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: AccessPoliciesProps) {
    super(scope, id);
    const prefixes = functionResourcePrefixes(props.stackName);
    this.deployers = new iam.ManagedPolicy(this, 'Deployers', {
      description: 'destfn: deploy the stack, edit functions and their secrets',
      statements: deployerStatements(this, props),
    });
    acknowledgePrefixArns(this.deployers, [
      nestedStacks(props), { service: 'lambda', prefix: `function:${prefixes.lambda}` }, { service: 'secretsmanager', prefix: `secret:${prefixes.secret}` },
    ]);
    this.operators = new iam.ManagedPolicy(this, 'Operators', {
      description: 'destfn: read logs and delivery records, replay dead-letter queues (no secret values)',
      statements: operatorStatements(this, props),
    });
    acknowledgePrefixArns(this.operators, [
      nestedStacks(props), { service: 'logs', prefix: `log-group:${prefixes.logGroup}` }, { service: 'lambda', prefix: `function:${prefixes.lambda}` },
      { service: 'sqs', prefix: prefixes.dlq }, { service: 'sqs', prefix: prefixes.queue },
      { service: 'lambda', prefix: 'event-source-mapping:' },
    ]);
    Validations.of(this.operators).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'lambda:ListEventSourceMappings has no resource-level permission (destfn pause|resume|status --aws find the mapping by its queue).',
    });
  }
}

/** The nested stacks, which CloudFormation names "<stack>-<logical id>-<suffix>". */
function nestedStacks(props: AccessPoliciesProps): { service: string; prefix: string } {
  return { service: 'cloudformation', prefix: `stack/${props.stackName}-` };
}

/** This stack and its nested stacks. */
function stackArns(props: AccessPoliciesProps): string[] {
  const nested = nestedStacks(props);
  return [Aws.STACK_ID, prefixArn(nested.service, nested.prefix)];
}

function deployerStatements(scope: Construct, props: AccessPoliciesProps): iam.PolicyStatement[] {
  const qualifier = String(scope.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? DEFAULT_BOOTSTRAP_QUALIFIER);
  const prefixes = functionResourcePrefixes(props.stackName);
  return [
    new iam.PolicyStatement({
      sid: 'AssumeCdkBootstrapRoles',
      actions: ['sts:AssumeRole'],
      resources: BOOTSTRAP_ROLES.map(
        (role) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/cdk-${qualifier}-${role}-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
      ),
    }),
    new iam.PolicyStatement({
      sid: 'ThisStack',
      actions: [
        'cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStackResources',
        // `destfn secrets set --aws` finds a function's secret in its nested stack (runtime/cli/aws/function-resources.ts).
        'cloudformation:DescribeStackResource', 'cloudformation:ListStackResources',
        'cloudformation:GetTemplate', 'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet',
        'cloudformation:ExecuteChangeSet', 'cloudformation:DeleteChangeSet',
      ],
      resources: stackArns(props),
    }),
    new iam.PolicyStatement({
      sid: 'InspectLambdas',
      actions: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration'],
      resources: [prefixArn('lambda', `function:${prefixes.lambda}`), props.ingest.handler.functionArn],
    }),
    new iam.PolicyStatement({
      sid: 'VersionsAndRollback',
      actions: [...READ_VERSIONS, 'lambda:UpdateAlias'],
      resources: [prefixArn('lambda', `function:${prefixes.lambda}`)],
    }),
    new iam.PolicyStatement({
      sid: 'ManageSecrets',
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      resources: [prefixArn('secretsmanager', `secret:${prefixes.secret}`), ...props.sources.map((source) => source.secret.secretArn)],
    }),
  ];
}

function operatorStatements(scope: Construct, props: AccessPoliciesProps): iam.PolicyStatement[] {
  const prefixes = functionResourcePrefixes(props.stackName);
  return [
    new iam.PolicyStatement({
      sid: 'FindFunctionResources',
      actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackResource', 'cloudformation:ListStackResources'],
      resources: stackArns(props),
    }),
    new iam.PolicyStatement({
      sid: 'ReadLogs',
      actions: ['logs:DescribeLogStreams', 'logs:FilterLogEvents', 'logs:GetLogEvents', 'logs:StartLiveTail'],
      // Stream-level actions match "…:log-group:<name>:*", Live Tail the bare group: the prefix's * covers both.
      resources: [
        prefixArn('logs', `log-group:${prefixes.logGroup}`),
        props.ingest.logGroup.logGroupArn,
        bareLogGroupArn(scope, props.ingest.logGroup),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'ReadVersions',
      actions: READ_VERSIONS,
      resources: [prefixArn('lambda', `function:${prefixes.lambda}`)],
    }),
    new iam.PolicyStatement({
      sid: 'ReadDeliveries',
      // BatchGetItem: the history pages whose keys a Query of pagesByFunction found (runtime/aws/delivery-list.ts).
      actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      resources: [props.deliveries.table.tableArn, ...props.deliveries.indexArns],
    }),
    new iam.PolicyStatement({
      sid: 'ReplayFromDeadLetterQueues',
      actions: [
        'sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask',
        'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl',
      ],
      resources: [prefixArn('sqs', prefixes.dlq)],
    }),
    // `destfn pause|resume|status --aws` (runtime/cli/aws/event-source-mappings.ts): List has no resource-level
    // permission; Update is limited to mappings that invoke this stack's functions.
    new iam.PolicyStatement({
      sid: 'ListEventSources',
      actions: ['lambda:ListEventSourceMappings'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'PauseResumeFunctions',
      actions: ['lambda:UpdateEventSourceMapping'],
      resources: [prefixArn('lambda', 'event-source-mapping:')],
      conditions: { StringLike: { 'lambda:FunctionArn': prefixArn('lambda', `function:${prefixes.lambda}`) } },
    }),
    new iam.PolicyStatement({
      sid: 'ReplayIntoFunctionQueues',
      actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resources: [prefixArn('sqs', prefixes.queue)],
    }),
  ];
}

function bareLogGroupArn(scope: Construct, group: logs.ILogGroup): string {
  return Stack.of(scope).formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: group.logGroupName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * Two customer managed policies to attach to people's roles or groups:
 * - Deployers: deploy the stack with the CDK CLI (assume the bootstrap roles, read and change this stack),
 *   inspect the Lambdas, and manage function and source secrets (`destfn secrets set --aws`).
 * - Operators: read logs and delivery records, replay DLQs (StartMessageMoveTask); no secret values.
 */
import { Construct } from 'constructs';
import { Aws, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { DeliveryTable } from './delivery-table';
import type { DestinationFunction } from './destination-function';
import type { SourceSecret } from './source-secrets';

export interface AccessPoliciesProps {
  readonly functions: readonly DestinationFunction[];
  readonly sources: readonly SourceSecret[];
  readonly deliveries: DeliveryTable;
  readonly ingest: { readonly handler: lambda.IFunction; readonly logGroup: logs.ILogGroup };
}

const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';
const BOOTSTRAP_ROLES = ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role'];

export class AccessPolicies extends Construct {
  readonly deployers: iam.ManagedPolicy;
  readonly operators: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: AccessPoliciesProps) {
    super(scope, id);
    this.deployers = new iam.ManagedPolicy(this, 'Deployers', {
      description: 'destfn: deploy the stack, edit functions and their secrets',
      statements: deployerStatements(this, props),
    });
    this.operators = new iam.ManagedPolicy(this, 'Operators', {
      description: 'destfn: read logs and delivery records, replay dead-letter queues (no secret values)',
      statements: operatorStatements(this, props),
    });
  }
}

function deployerStatements(scope: Construct, props: AccessPoliciesProps): iam.PolicyStatement[] {
  const qualifier = String(scope.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? DEFAULT_BOOTSTRAP_QUALIFIER);
  const secrets = [...props.functions.map((fn) => fn.secret), ...props.sources.map((source) => source.secret)];
  const statements = [
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
        'cloudformation:GetTemplate', 'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet',
        'cloudformation:ExecuteChangeSet', 'cloudformation:DeleteChangeSet',
      ],
      resources: [Aws.STACK_ID],
    }),
    new iam.PolicyStatement({
      sid: 'InspectLambdas',
      actions: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration'],
      resources: [...props.functions.map((fn) => fn.handler.functionArn), props.ingest.handler.functionArn],
    }),
  ];
  if (secrets.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'ManageSecrets',
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      resources: secrets.map((secret) => secret.secretArn),
    }));
  }
  return statements;
}

function operatorStatements(scope: Construct, props: AccessPoliciesProps): iam.PolicyStatement[] {
  const logGroups = [...props.functions.map((fn) => fn.logGroup), props.ingest.logGroup];
  const statements = [
    new iam.PolicyStatement({
      sid: 'ResolveStackOutputs',
      actions: ['cloudformation:DescribeStacks'],
      resources: [Aws.STACK_ID],
    }),
    new iam.PolicyStatement({
      sid: 'ReadLogs',
      actions: ['logs:DescribeLogStreams', 'logs:FilterLogEvents', 'logs:GetLogEvents', 'logs:StartLiveTail'],
      // Both ARN forms: stream-level actions match "…:log-group:<name>:*", Live Tail matches the bare group.
      resources: logGroups.flatMap((group) => [group.logGroupArn, bareLogGroupArn(scope, group)]),
    }),
    new iam.PolicyStatement({
      sid: 'ReadDeliveries',
      actions: ['dynamodb:Query', 'dynamodb:GetItem'],
      resources: [props.deliveries.table.tableArn, props.deliveries.indexArn],
    }),
  ];
  if (props.functions.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReplayFromDeadLetterQueues',
        actions: [
          'sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask',
          'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl',
        ],
        resources: props.functions.map((fn) => fn.dlq.queueArn),
      }),
      new iam.PolicyStatement({
        sid: 'ReplayIntoFunctionQueues',
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: props.functions.map((fn) => fn.queue.queueArn),
      }),
    );
  }
  return statements;
}

function bareLogGroupArn(scope: Construct, group: logs.ILogGroup): string {
  return Stack.of(scope).formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: group.logGroupName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

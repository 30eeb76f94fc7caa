/**
 * An execution role that may write only to its own log group (instead of the AWS managed
 * AWSLambdaBasicExecutionRole, which allows writing to every log group in the account).
 */
import type { Construct } from 'constructs';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';

export function lambdaRole(scope: Construct, id: string, logGroup: logs.ILogGroup, description: string): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description,
  });
  logGroup.grantWrite(role);
  return role;
}

/**
 * A Lambda's log group, 30 days. A named group is deleted with its function (CDK's default keeps it), else the
 * function could not be deployed again under the same name: CloudFormation does not adopt a group that exists.
 */
export function lambdaLogGroup(scope: Construct, id: string, logGroupName?: string): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    retention: logs.RetentionDays.ONE_MONTH,
    ...(logGroupName ? { logGroupName, removalPolicy: RemovalPolicy.DESTROY } : {}),
  });
}

/**
 * ARNs that name every function of the stack by its name prefix (contract functionResourcePrefixes) instead of
 * one ARN per function: the policies that use them keep their size whatever the number of functions. cdk-nag
 * flags such wildcards (AwsSolutions-IAM5); each is acknowledged with the reason, exactly for that ARN.
 */
import type { IConstruct } from 'constructs';
import { Aws, Validations } from 'aws-cdk-lib';

/** `arn:<partition>:<service>:<region>:<account>:<resourcePrefix>*`. */
export function prefixArn(service: string, resourcePrefix: string): string {
  return `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resourcePrefix}*`;
}

/** Acknowledges cdk-nag's wildcard finding for each prefixArn(service, prefix) a policy of `scope` uses. */
export function acknowledgePrefixArns(scope: IConstruct, arns: ReadonlyArray<{ service: string; prefix: string }>): void {
  for (const { service, prefix } of arns) {
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${prefix}*]`,
      reason:
        'Names every destfn function of this stack by the name prefix all of them share (stack name + function), ' +
        'not one ARN each: with one ARN per function the policy passes IAM\'s size limit at about 14 functions.',
    });
  }
}

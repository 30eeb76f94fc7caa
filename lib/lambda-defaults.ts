/** Lambda settings shared by every destfn function, plus the cdk-nag acknowledgement they need. */
import { Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const LAMBDA_ARCHITECTURE = lambda.Architecture.ARM_64;

export function acknowledgePinnedRuntime(fn: IConstruct): void {
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'nodejs22.x is pinned by the project contract: bundles target node20 so the same runtime code runs ' +
      'locally on Node 20 and on Lambda; moving to a newer runtime is a one-line change once verified.',
  });
}

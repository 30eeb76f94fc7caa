/** The shared destfn runtime, one Lambda layer used by every destination function. */
import { Construct } from 'constructs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { runtimeLayerCode, type HandlerEntries } from './lambda-assets';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from './lambda-defaults';

export class RuntimeLayer extends Construct {
  readonly layer: lambda.LayerVersion;

  constructor(scope: Construct, id: string, entries: HandlerEntries) {
    super(scope, id);
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code: runtimeLayerCode(entries),
      compatibleRuntimes: [LAMBDA_RUNTIME],
      compatibleArchitectures: [LAMBDA_ARCHITECTURE],
      description: 'destfn shared runtime: destination handler (validation, dispatch, retries, records)',
    });
  }
}

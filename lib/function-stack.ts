/**
 * One destination function in its own nested stack: ~12 resources and 5 outputs per function, so the main
 * stack holds one AWS::CloudFormation::Stack per function and stays far from CloudFormation's 500 resources and
 * 200 outputs at 200 functions. Adding a folder adds one nested stack and changes no other function's template.
 * Its logical id in the main stack and its output names are the contract's: the `--aws` commands find a
 * function's resources with them (runtime/cli/aws/stack-outputs.ts).
 */
import type { Construct } from 'constructs';
import { CfnOutput, NestedStack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  FUNCTION_STACK_OUTPUTS, functionResourceNames, functionStackLogicalId, LAMBDA_NAME_MAX, type FunctionOutputs,
} from '../runtime/aws/contract';
import type { AlarmTopic } from './alarm-topic';
import type { DeliveryTable } from './delivery-table';
import { DestinationFunction } from './destination-function';
import type { DeployableFunction } from './function-discovery';

export interface FunctionStackProps {
  readonly fn: DeployableFunction;
  /** The main stack's name: every physical name of the function starts with it. */
  readonly stackName: string;
  readonly layer: lambda.ILayerVersion;
  readonly deliveries: DeliveryTable;
  readonly alarms: AlarmTopic;
}

export class FunctionStack extends NestedStack {
  readonly function: DestinationFunction;

  constructor(scope: Construct, props: FunctionStackProps) {
    const { fn, stackName } = props;
    const logicalId = functionStackLogicalId(fn.definition.name);
    super(scope, logicalId, { description: `destfn function "${fn.definition.name}"` });
    this.nestedStackResource!.overrideLogicalId(logicalId);

    const names = functionResourceNames(stackName, fn.definition.name);
    if (names.lambda.length > LAMBDA_NAME_MAX) {
      throw new Error(
        `function "${fn.definition.name}": its Lambda would be named "${names.lambda}" (${names.lambda.length} characters), ` +
          `over Lambda's ${LAMBDA_NAME_MAX}; shorten the folder name to at most ${LAMBDA_NAME_MAX - names.lambda.length + fn.definition.name.length} characters`,
      );
    }
    this.function = new DestinationFunction(this, 'Function', {
      fn, names, layer: props.layer, deliveries: props.deliveries, alarms: props.alarms,
    });

    const values: FunctionOutputs = {
      queueUrl: this.function.queue.queueUrl,
      dlqUrl: this.function.dlq.queueUrl,
      dlqArn: this.function.dlq.queueArn,
      secretArn: this.function.secret.secretArn,
      logGroup: this.function.logGroup.logGroupName,
    };
    for (const key of Object.keys(FUNCTION_STACK_OUTPUTS) as Array<keyof FunctionOutputs>) {
      new CfnOutput(this, FUNCTION_STACK_OUTPUTS[key], { value: values[key] });
    }
  }
}

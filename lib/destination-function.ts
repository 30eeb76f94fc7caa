/**
 * One destination function on AWS: queue + DLQ, its Lambda (layer runtime + its own code), SQS event source
 * with partial batch failures, its own secret, log group and alarms. Every resource is named after the stack and
 * the function (contract functionResourceNames) so that shared policies can name them all by prefix.
 */
import { Construct } from 'constructs';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { destinationEnvironment, type FunctionResourceNames } from '../runtime/aws/contract';
import { LIVE_ALIAS, versionDescription } from '../runtime/aws/live-alias';
import type { AlarmTopic } from './alarm-topic';
import type { DeliveryTable } from './delivery-table';
import type { DeployableFunction } from './function-discovery';
import { functionTiming } from './function-timing';
import { destinationFunctionCode, FUNCTION_DIR } from './lambda-assets';
import { acknowledgePinnedRuntime, LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from './lambda-defaults';
import { lambdaLogGroup, lambdaRole } from './lambda-role';

export interface DestinationFunctionProps {
  readonly fn: DeployableFunction;
  /** Physical names of its resources. */
  readonly names: FunctionResourceNames;
  readonly layer: lambda.ILayerVersion;
  readonly deliveries: DeliveryTable;
  readonly alarms: AlarmTopic;
}

/** Max retry window is 72 h (function.json schema); 4 days keeps every retry inside the queue. */
const QUEUE_RETENTION = Duration.days(4);
/** A DLQ keeps a message's original enqueue time, so it must retain longer than the queue. */
const DLQ_RETENTION = Duration.days(14);

export class DestinationFunction extends Construct {
  readonly name: string;
  /** Which events the ingest Lambda sends to this function's queue. */
  readonly subscription: { readonly sources?: string[]; readonly filter?: string };
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;
  readonly secret: secretsmanager.Secret;
  readonly logGroup: logs.LogGroup;
  readonly handler: lambda.Function;
  /** What the event source invokes: the version published by the last deploy that changed the function, or a rollback's. */
  readonly live: lambda.Alias;

  constructor(scope: Construct, id: string, props: DestinationFunctionProps) {
    super(scope, id);
    const { definition } = props.fn;
    const { config } = definition;
    const timing = functionTiming(config);
    this.name = definition.name;
    this.subscription = { sources: config.sources, filter: config.filter };

    const { names } = props;
    // Kept when the folder is removed: the failed events stay readable for the DLQ's retention (docs/aws.md).
    this.dlq = new sqs.Queue(this, 'Dlq', {
      queueName: names.dlq,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: names.queue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: QUEUE_RETENTION,
      visibilityTimeout: Duration.seconds(timing.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: config.retry.attempts },
    });

    // The template carries an empty JSON object, never a value: `destfn secrets set <fn> K=V --aws` fills it.
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: names.secret,
      description: `destfn: secret settings of function "${definition.name}"`,
      secretObjectValue: {},
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Holds third-party credentials (destination API keys) that Secrets Manager cannot rotate; the owner ' +
        'rotates them at the provider and updates the secret with `destfn secrets set --aws`.',
    });

    this.logGroup = lambdaLogGroup(this, 'Logs', names.logGroup);
    const role = lambdaRole(this, 'Role', this.logGroup, `destfn function "${definition.name}"`);
    this.handler = new lambda.Function(this, 'Handler', {
      functionName: names.lambda,
      description: `destfn destination function "${definition.name}"`,
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      handler: 'index.handler',
      code: destinationFunctionCode(props.fn),
      layers: [props.layer],
      memorySize: 256,
      timeout: Duration.seconds(timing.lambdaTimeoutSeconds),
      role,
      logGroup: this.logGroup,
      // Old versions stay published (RETAIN) for `destfn rollback`; the description carries the code version.
      currentVersionOptions: { description: versionDescription(definition.version ?? 'unknown'), removalPolicy: RemovalPolicy.RETAIN },
      environment: destinationEnvironment({
        functionName: definition.name,
        functionDir: FUNCTION_DIR,
        tableName: props.deliveries.table.tableName,
        secretArn: this.secret.secretArn,
        queueUrl: this.queue.queueUrl,
        recordConcurrency: timing.recordParallelism,
      }),
    });
    acknowledgePinnedRuntime(this.handler);
    // A deploy that changes the function publishes a version and moves `live` to it; a rollback moves `live` back.
    this.live = new lambda.Alias(this, 'Live', { aliasName: LIVE_ALIAS, version: this.handler.currentVersion });

    // Batches of up to 100 filled within a short window (lib/function-timing.ts: cost per invocation, COST.md).
    this.live.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: timing.batchSize,
        maxBatchingWindow: Duration.seconds(timing.maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
        maxConcurrency: timing.maxConcurrency,
      }),
    );
    // Only the value: Secret.grantRead would add DescribeSecret, which the handler never calls.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }));
    props.deliveries.grantOwnRecords(role, definition.name);

    props.alarms.alarmAboveZero(
      this,
      'DlqAlarm',
      this.dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      `destfn "${definition.name}": events in the dead-letter queue (replay with \`destfn replay ${definition.name} --aws\`)`,
    );
    props.alarms.alarmAboveZero(
      this,
      'ErrorsAlarm',
      this.handler.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      `destfn "${definition.name}": Lambda invocation errors (crash or timeout of a whole batch)`,
    );
  }
}

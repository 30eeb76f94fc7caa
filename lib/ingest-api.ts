/**
 * Segment-compatible ingest on AWS: HTTP API → ingest Lambda → SendMessageBatch to each subscribed
 * function's queue. The Lambda may only find and send to the function queues (by their name prefix, never a
 * DLQ) and read the source secrets.
 */
import { Construct } from 'constructs';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { functionResourcePrefixes, ingestSourceEnvironment, type IngestRoutingFile } from '../runtime/aws/contract';
import type { AlarmTopic } from './alarm-topic';
import { ingestCode, type HandlerEntries } from './lambda-assets';
import { acknowledgePinnedRuntime, LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from './lambda-defaults';
import { lambdaLogGroup, lambdaRole } from './lambda-role';
import { acknowledgePrefixArns, prefixArn } from './prefix-arn';
import type { SourceSecret } from './source-secrets';

/**
 * `{type}` covers the six event types, analytics.js's short paths (`/v1/t` … `/v1/b`) and its `/v1/m` (the
 * handler answers 404 for anything else); analytics.js reads its settings with GET.
 */
export const INGEST_ROUTES: ReadonlyArray<{ path: string; method: apigwv2.HttpMethod }> = [
  ...['/v1/{type}', '/v1/batch', '/v1/import', '/webhook/{source}'].map((path) => ({ path, method: apigwv2.HttpMethod.POST })),
  { path: '/v1/projects/{writeKey}/settings', method: apigwv2.HttpMethod.GET },
];
/** Every header analytics.js sends (X-Retry-Count on its retries) and the webhook signature. */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'x-retry-count', 'x-signature'];
/** Stage-wide limits so a runaway client cannot use up the account's API Gateway quota. */
export const THROTTLE = { rateLimit: 1000, burstLimit: 2000 };

export interface IngestApiProps {
  readonly entries: HandlerEntries;
  /** The main stack's name, which starts every function queue's name. */
  readonly stackName: string;
  readonly routing: IngestRoutingFile;
  readonly sources: readonly SourceSecret[];
  readonly alarms: AlarmTopic;
}

export class IngestApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly handler: lambda.Function;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    this.logGroup = lambdaLogGroup(this, 'Logs');
    const role = lambdaRole(this, 'Role', this.logGroup, 'destfn ingest');
    this.handler = new lambda.Function(this, 'Handler', {
      description: 'destfn ingest: Segment tracking API and webhooks to the function queues',
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      handler: 'index.handler',
      code: ingestCode(props.entries, props.routing),
      memorySize: 512,
      // Under API Gateway's 30 s integration timeout.
      timeout: Duration.seconds(25),
      role,
      logGroup: this.logGroup,
      environment: ingestSourceEnvironment(
        Object.fromEntries(props.sources.map((source) => [source.name, source.secret.secretArn])),
        (value) => Stack.of(this).toJsonString(value),
      ),
    });
    acknowledgePinnedRuntime(this.handler);
    grantIngest(role, props);
    props.alarms.alarmAboveZero(
      this,
      'ErrorsAlarm',
      this.handler.metricErrors({ period: Duration.minutes(5) }),
      'destfn ingest: Lambda invocation errors (clients received 5xx)',
    );

    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'destfn ingest (Segment HTTP tracking API and webhooks)',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST],
        allowHeaders: CORS_ALLOW_HEADERS,
        maxAge: Duration.hours(1),
      },
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogGroup(this)), format: accessLogFormat() },
    });
    const integration = new HttpLambdaIntegration('Ingest', this.handler);
    for (const { path, method } of INGEST_ROUTES) {
      for (const route of this.api.addRoutes({ path, methods: [method], integration })) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Authorization is part of the Segment protocol and is checked by the ingest handler: HTTP Basic write ' +
            'key or body.writeKey on /v1, HMAC-SHA1 X-Signature over the raw body on /webhook. An API Gateway ' +
            'authorizer cannot see the body, so it cannot implement either. The settings route (GET, the write key ' +
            'in the path) answers 404 for an unknown key, and /v1/m stores nothing.',
        });
      }
    }
  }

  get url(): string {
    return this.stage.url;
  }
}

function grantIngest(role: iam.Role, props: IngestApiProps): void {
  if (props.routing.functions.length > 0) {
    const queues = { service: 'sqs', prefix: functionResourcePrefixes(props.stackName).queue };
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'], resources: [prefixArn(queues.service, queues.prefix)] }));
    acknowledgePrefixArns(role, [queues]);
  }
  if (props.sources.length > 0) {
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: props.sources.map((source) => source.secret.secretArn),
    }));
  }
}

function accessLogGroup(scope: Construct): logs.LogGroup {
  return new logs.LogGroup(scope, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
}

/**
 * JSON lines without headers, bodies or paths (the settings path holds a write key): write keys never reach the
 * access log. The route key names the endpoint.
 */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    integrationError: '$context.integrationErrorMessage',
    latencyMs: '$context.responseLatency',
  }));
}

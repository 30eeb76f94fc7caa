/** The stack for a project with two function folders: wiring, least privilege, secrets, cdk-nag. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ALPHA, BETA, LOCAL_SECRET_MARKER, makeProject, resourcesOf, synthProject, type Synthesized, cleanUp } from './project';
import { collectAcknowledgements, flatten, listFiles, logicalId } from './template-values';

afterAll(cleanUp);

let s: Synthesized;
let ids: {
  alpha: { queue: string; dlq: string; secret: string; handler: string; role: string; logs: string };
  beta: { queue: string; dlq: string; secret: string; handler: string; role: string; logs: string };
  ingest: string;
  ingestRole: string;
  layer: string;
  table: string;
  sources: Record<string, string>;
};

beforeAll(() => {
  s = synthProject(makeProject([ALPHA, BETA], ['web', 'dev']), { cfnValidation: false });
  const [alpha, beta] = s.stack.functions;
  const fnIds = (fn: typeof alpha) => ({
    queue: logicalId(fn.queue),
    dlq: logicalId(fn.dlq),
    secret: logicalId(fn.secret),
    handler: logicalId(fn.handler),
    role: logicalId(fn.handler.role as unknown as IConstruct),
    logs: logicalId(fn.logGroup),
  });
  const sourceIds = Object.keys(s.template.findResources('AWS::SecretsManager::Secret'))
    .filter((id) => id.startsWith('Sources'));
  ids = {
    alpha: fnIds(alpha),
    beta: fnIds(beta),
    ingest: logicalId(s.stack.ingest.handler),
    ingestRole: logicalId(s.stack.ingest.handler.role as unknown as IConstruct),
    layer: Object.keys(s.template.findResources('AWS::Lambda::LayerVersion'))[0],
    table: Object.keys(s.template.findResources('AWS::DynamoDB::Table'))[0],
    sources: Object.fromEntries(sourceIds.map((id) => [id.startsWith('SourcesWeb') ? 'web' : 'dev', id])),
  };
}, 60_000);

/** Statements of the inline policy attached to a role. */
function roleStatements(roleId: string): Array<Record<string, unknown>> {
  const policies = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Roles) === JSON.stringify([{ Ref: roleId }]));
  expect(policies).toHaveLength(1);
  return (policies[0].PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
}

function managedPolicy(idPrefix: string): string {
  const found = Object.entries(resourcesOf(s.template, 'AWS::IAM::ManagedPolicy')).filter(([id]) => id.startsWith(idPrefix));
  expect(found).toHaveLength(1);
  return JSON.stringify(found[0][1]);
}

describe('one set of resources per function folder', () => {
  test('2 folders: 2 queues + 2 DLQs, 2 function Lambdas + the ingest Lambda, 2 function + 2 source secrets', () => {
    s.template.resourceCountIs('AWS::SQS::Queue', 4);
    s.template.resourceCountIs('AWS::Lambda::Function', 3);
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 4);
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    s.template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    s.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    // Per function a DLQ-depth and an errors alarm, plus the ingest errors alarm.
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    expect(s.stack.functions.map((fn) => fn.name)).toEqual(['alpha', 'beta-notify']);
  });

  test('event source mappings report batch item failures, batches of 100 within a 1 s window; maxConcurrency = invocations × records per invocation', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.alpha.handler },
      EventSourceArn: { 'Fn::GetAtt': [ids.alpha.queue, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 2 }, // function.json says 1; SQS event sources need ≥ 2
    });
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DESTFN_FUNCTION_NAME: 'alpha', DESTFN_RECORD_CONCURRENCY: '1' }) },
    });
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.beta.handler },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 }, // the default maxConcurrency 10 = 2 invocations × 5 records
    });
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DESTFN_FUNCTION_NAME: 'beta-notify', DESTFN_RECORD_CONCURRENCY: '5' }) },
    });
  });

  test('redrive maxReceiveCount = retry.attempts; DLQ keeps 14 days; SSE and TLS-only', () => {
    const queues = resourcesOf(s.template, 'AWS::SQS::Queue');
    expect(queues[ids.alpha.queue].RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [ids.alpha.dlq, 'Arn'] },
      maxReceiveCount: 5,
    });
    expect((queues[ids.beta.queue].RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(10);
    expect(queues[ids.alpha.dlq].MessageRetentionPeriod).toBe(14 * 24 * 3600);
    for (const queue of Object.values(queues)) expect(queue.SqsManagedSseEnabled).toBe(true);
    const tlsOnly = Object.values(resourcesOf(s.template, 'AWS::SQS::QueuePolicy'))
      .filter((p) => JSON.stringify(p).includes('"aws:SecureTransport":"false"'));
    expect(tlsOnly).toHaveLength(4);
  });

  test('visibility timeout ≥ 6 × the Lambda timeout, which covers the function timeout', () => {
    const queues = resourcesOf(s.template, 'AWS::SQS::Queue');
    const lambdas = resourcesOf(s.template, 'AWS::Lambda::Function');
    for (const [fn, functionTimeout] of [[ids.alpha, 7], [ids.beta, 5]] as const) {
      const timeout = lambdas[fn.handler].Timeout as number;
      expect(timeout).toBeGreaterThan(functionTimeout);
      expect(queues[fn.queue].VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  test('function Lambdas: nodejs22.x arm64, the runtime layer, their own code, env per the contract', () => {
    const lambdas = resourcesOf(s.template, 'AWS::Lambda::Function');
    for (const [name, fn] of [['alpha', ids.alpha], ['beta-notify', ids.beta]] as const) {
      expect(lambdas[fn.handler]).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 256,
        Layers: [{ Ref: ids.layer }],
        LoggingConfig: { LogGroup: { Ref: fn.logs } },
        Environment: {
          Variables: {
            DESTFN_FUNCTION_NAME: name,
            DESTFN_FUNCTION_DIR: 'function',
            DESTFN_TABLE_NAME: { Ref: ids.table },
            DESTFN_SECRET_ARN: { Ref: fn.secret },
            DESTFN_QUEUE_URL: { Ref: fn.queue },
            POWERTOOLS_SERVICE_NAME: 'destfn',
            POWERTOOLS_METRICS_NAMESPACE: 'destfn',
          },
        },
      });
    }
    expect(lambdas[ids.ingest].Layers).toBeUndefined();
    s.template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleRuntimes: ['nodejs22.x'],
      CompatibleArchitectures: ['arm64'],
    });
  });

  test('log groups keep 30 days', () => {
    for (const fn of [ids.alpha, ids.beta]) {
      expect(resourcesOf(s.template, 'AWS::Logs::LogGroup')[fn.logs].RetentionInDays).toBe(30);
    }
  });

  test('alarms on DLQ depth and Lambda errors notify the encrypted alarm topic', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.alpha.dlq, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.beta.handler } }],
      Threshold: 0,
    });
    s.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});

describe('least privilege', () => {
  test("function A's role reads A's secret, consumes A's queue, writes A's records, and never names B's", () => {
    const alpha = JSON.stringify(roleStatements(ids.alpha.role));
    expect(alpha).toContain(`{"Ref":"${ids.alpha.secret}"}`);
    expect(alpha).not.toContain(ids.beta.secret);
    expect(alpha).not.toContain(ids.beta.queue);
    expect(alpha).not.toContain(ids.beta.dlq);
    const beta = JSON.stringify(roleStatements(ids.beta.role));
    expect(beta).toContain(`{"Ref":"${ids.beta.secret}"}`);
    expect(beta).not.toContain(ids.alpha.secret);

    expect(roleStatements(ids.alpha.role)).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Action: 'secretsmanager:GetSecretValue',
        Resource: { Ref: ids.alpha.secret },
      }),
      expect.objectContaining({
        Action: expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
        Resource: { 'Fn::GetAtt': [ids.alpha.queue, 'Arn'] },
      }),
      expect.objectContaining({
        Action: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
        Resource: { 'Fn::GetAtt': [ids.table, 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['alpha#*'] } },
      }),
    ]));
  });

  test('no other role may read a function secret', () => {
    const policies = resourcesOf(s.template, 'AWS::IAM::Policy');
    expect(Object.keys(policies)).toHaveLength(3);
    for (const policy of Object.values(policies)) {
      const text = JSON.stringify(policy);
      if (!text.includes(`"Ref":"${ids.alpha.role}"`)) expect(text).not.toContain(ids.alpha.secret);
      if (!text.includes(`"Ref":"${ids.beta.role}"`)) expect(text).not.toContain(ids.beta.secret);
    }
  });

  test('the ingest Lambda may only send to the function queues and read the source secrets', () => {
    const statements = roleStatements(ids.ingestRole);
    expect(statements.map((st) => st.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      'sqs:SendMessage',
      'secretsmanager:GetSecretValue',
    ]);
    expect(statements[1].Resource).toEqual([
      { 'Fn::GetAtt': [ids.alpha.queue, 'Arn'] },
      { 'Fn::GetAtt': [ids.beta.queue, 'Arn'] },
    ]);
    expect(statements[2].Resource).toEqual(expect.arrayContaining([{ Ref: ids.sources.web }, { Ref: ids.sources.dev }]));
    expect(JSON.stringify(statements)).not.toContain(ids.alpha.secret);
  });

  test('deployers manage every secret; operators read logs and records and replay DLQs, without secrets', () => {
    const deployers = managedPolicy('AccessDeployers');
    expect(deployers).toContain('secretsmanager:PutSecretValue');
    for (const secret of [ids.alpha.secret, ids.beta.secret, ids.sources.web, ids.sources.dev]) {
      expect(deployers).toContain(`{"Ref":"${secret}"}`);
    }
    const operators = managedPolicy('AccessOperators');
    expect(operators).not.toContain('secretsmanager');
    expect(operators).toContain('sqs:StartMessageMoveTask');
    expect(operators).toContain(`{"Fn::GetAtt":["${ids.alpha.dlq}","Arn"]}`);
    expect(operators).toContain('dynamodb:Query');
    expect(operators).toContain('logs:FilterLogEvents');
  });
});

describe('ingest', () => {
  test('HTTP API routes: POST /v1/{type}, /v1/batch, /v1/import, /webhook/{source}, GET analytics.js\'s settings, all to the ingest Lambda', () => {
    const routes = Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      ['GET /v1/projects/{writeKey}/settings', 'POST /v1/batch', 'POST /v1/import', 'POST /v1/{type}', 'POST /webhook/{source}'],
    );
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowMethods: ['GET', 'POST'],
        AllowHeaders: ['authorization', 'content-type', 'x-retry-count', 'x-signature'],
      },
    });
    s.template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [ids.ingest, 'Arn'] },
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
    });
    // The settings path holds a write key: the access log has the route key, never the path.
    const [stage] = Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Stage'));
    expect(JSON.stringify(stage.AccessLogSettings)).toContain('$context.routeKey');
    expect(JSON.stringify(stage.AccessLogSettings)).not.toContain('$context.path');
  });

  test('DESTFN_FUNCTIONS and DESTFN_SOURCE_SECRETS per the contract', () => {
    const env = (resourcesOf(s.template, 'AWS::Lambda::Function')[ids.ingest].Environment as {
      Variables: Record<string, unknown>;
    }).Variables;
    expect(JSON.parse(flatten(env.DESTFN_FUNCTIONS))).toEqual([
      { name: 'alpha', queueUrl: `ref:${ids.alpha.queue}`, sources: ['web'], filter: 'type = "track"' },
      { name: 'beta-notify', queueUrl: `ref:${ids.beta.queue}`, sources: null, filter: null },
    ]);
    expect(JSON.parse(flatten(env.DESTFN_SOURCE_SECRETS))).toEqual({
      web: `ref:${ids.sources.web}`,
      dev: `ref:${ids.sources.dev}`,
    });
  });
});

describe('delivery table', () => {
  test('on-demand, pk string, TTL on ttl, PITR, GSI byFunction (function, updatedAt)', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [{
        IndexName: 'byFunction',
        KeySchema: [{ AttributeName: 'function', KeyType: 'HASH' }, { AttributeName: 'updatedAt', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      }],
    });
  });
});

describe('secrets never in the template or assets', () => {
  test('function secrets are created empty; source write keys are generated by Secrets Manager', () => {
    const secrets = resourcesOf(s.template, 'AWS::SecretsManager::Secret');
    expect(secrets[ids.alpha.secret].SecretString).toBe('{}');
    expect(secrets[ids.sources.web].SecretString).toBeUndefined();
    expect(secrets[ids.sources.web].GenerateSecretString).toEqual({
      SecretStringTemplate: '{}',
      GenerateStringKey: 'writeKey',
      ExcludePunctuation: true,
    });
  });

  test('no value from settings.local.json appears in the template or any asset', () => {
    expect(s.json).not.toContain(LOCAL_SECRET_MARKER);
    expect(s.json).not.toContain('local-channel');
    const files = listFiles(s.app.outdir);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(LOCAL_SECRET_MARKER);
      expect(text).not.toContain('local-channel');
    }
  });

  test("a function's code asset: shim + prebuilt code + function.json, resolved + committed settings only", () => {
    const dir = assetDirOf(ids.alpha.handler);
    expect(readFileSync(join(dir, 'index.js'), 'utf8'))
      .toBe("module.exports = require('destfn-runtime/destination-handler.js');\n");
    expect(readFileSync(join(dir, 'function', 'index.js'), 'utf8')).toMatch(/^\/\/ destfn-prebuilt style=script\n/);
    expect(JSON.parse(readFileSync(join(dir, 'function', 'settings.json'), 'utf8'))).toEqual({ channel: 'general' });
    expect(JSON.parse(readFileSync(join(dir, 'function', 'function.json'), 'utf8')).retry).toEqual({ attempts: 5, windowHours: 2 });
    const resolved = JSON.parse(readFileSync(join(dir, 'function', 'function.resolved.json'), 'utf8'));
    expect(resolved).toMatchObject({ format: 1, name: 'alpha', config: { retry: { attempts: 5, windowHours: 2 }, drop: [], onUnknownError: 'retry' } });
    expect(resolved.config.settings.apiKey).toEqual({ type: 'string', required: true, secret: true });
    expect(readFileSync(join(assetDirOf(ids.beta.handler), 'function', 'index.js'), 'utf8'))
      .toMatch(/^\/\/ destfn-prebuilt style=module\n/);
  });
});

describe('outputs', () => {
  test('ApiUrl, TableName, per function and per source outputs', () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining([
      'ApiUrl', 'TableName',
      'AlphaQueueUrl', 'AlphaDlqUrl', 'AlphaDlqArn', 'AlphaSecretArn', 'AlphaLogGroup',
      'BetaNotifyQueueUrl', 'BetaNotifyDlqUrl', 'BetaNotifyDlqArn', 'BetaNotifySecretArn', 'BetaNotifyLogGroup',
      'WebSourceSecretArn', 'DevSourceSecretArn',
    ]));
    expect(outputs.AlphaQueueUrl.Value).toEqual({ Ref: ids.alpha.queue });
    expect(outputs.AlphaDlqUrl.Value).toEqual({ Ref: ids.alpha.dlq });
    expect(outputs.AlphaDlqArn.Value).toEqual({ 'Fn::GetAtt': [ids.alpha.dlq, 'Arn'] });
    expect(outputs.BetaNotifySecretArn.Value).toEqual({ Ref: ids.beta.secret });
    expect(outputs.AlphaLogGroup.Value).toEqual({ Ref: ids.alpha.logs });
    expect(outputs.TableName.Value).toEqual({ Ref: ids.table });
    expect(outputs.WebSourceSecretArn.Value).toEqual({ Ref: ids.sources.web });
    expect(flatten(outputs.ApiUrl.Value)).toMatch(/^https:\/\/ref:IngestApi\w+\.execute-api\.ref:AWS::Region\.ref:AWS::URLSuffix\/$/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('0 unsuppressed findings (errors and warnings)', () => {
    const report = s.nag.validateScope(s.app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('every acknowledged finding carries a specific reason', () => {
    const acknowledged = collectAcknowledgements(s.stack);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledged) {
      expect(id).toMatch(/^AwsSolutions-/);
      expect(reason.length).toBeGreaterThan(80);
    }
    expect(new Set(acknowledged.map((a) => a.id))).toEqual(new Set(['AwsSolutions-L1', 'AwsSolutions-SMG4', 'AwsSolutions-APIG4']));
  });
});

function assetDirOf(lambdaId: string): string {
  const code = resourcesOf(s.template, 'AWS::Lambda::Function')[lambdaId].Code as { S3Key: string };
  return join(s.app.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
}

/** The stack for a project with two function folders (each in its nested stack): wiring, least privilege, secrets, cdk-nag. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ALPHA, BETA, LOCAL_SECRET_MARKER, makeProject, resourcesOf, synthProject, type Synthesized, cleanUp } from './project';
import { collectAcknowledgements, flatten, listFiles, logicalId } from './template-values';

afterAll(cleanUp);

let s: Synthesized;
/** The nested stack template of each function. */
let alphaT: Template;
let betaT: Template;
let ids: {
  alpha: { queue: string; dlq: string; secret: string; handler: string; live: string; role: string; logs: string };
  beta: { queue: string; dlq: string; secret: string; handler: string; live: string; role: string; logs: string };
  ingest: string;
  ingestRole: string;
  layer: string;
  table: string;
  sources: Record<string, string>;
};

beforeAll(() => {
  s = synthProject(makeProject([ALPHA, BETA], ['web', 'dev']), { cfnValidation: false });
  const [alpha, beta] = s.stack.functions;
  [alphaT, betaT] = s.stack.functionStacks.map((stack) => Template.fromStack(stack));
  const fnIds = (fn: typeof alpha) => ({
    queue: logicalId(fn.queue),
    dlq: logicalId(fn.dlq),
    secret: logicalId(fn.secret),
    handler: logicalId(fn.handler),
    live: logicalId(fn.live),
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

/**
 * A nested stack's value as the main stack passes it: `{ Ref: <parameter> }` of a function's template becomes
 * what the main stack gives that parameter (e.g. `{ Ref: <layer> }`); any other value is returned as is.
 */
function inMain(fnStackId: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => inMain(fnStackId, v));
  const ref = (value as { Ref?: unknown } | null)?.Ref;
  const parameters = (resourcesOf(s.template, 'AWS::CloudFormation::Stack')[fnStackId].Parameters ?? {}) as Record<string, unknown>;
  return typeof ref === 'string' && ref in parameters ? parameters[ref] : value;
}

/** Statements of the inline policy attached to a role. */
function roleStatements(roleId: string, template = s.template): Array<Record<string, unknown>> {
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
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
  test('2 folders: 2 nested stacks, each with queue + DLQ, its Lambda, mapping, secret and alarms; the ingest Lambda and source secrets in the main stack', () => {
    s.template.resourceCountIs('AWS::CloudFormation::Stack', 2);
    expect(Object.keys(s.template.findResources('AWS::CloudFormation::Stack')).sort()).toEqual(['FunctionAlpha', 'FunctionBetaNotify']);
    s.template.resourceCountIs('AWS::SQS::Queue', 0);
    s.template.resourceCountIs('AWS::Lambda::Function', 1);
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    s.template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    s.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', 1); // the ingest errors alarm
    for (const t of [alphaT, betaT]) {
      t.resourceCountIs('AWS::SQS::Queue', 2);
      t.resourceCountIs('AWS::Lambda::Function', 1);
      t.resourceCountIs('AWS::SecretsManager::Secret', 1);
      t.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      t.resourceCountIs('AWS::CloudWatch::Alarm', 3); // DLQ depth, Lambda errors, paused (lib/delivery-dashboard.ts)
    }
    expect(s.stack.functions.map((fn) => fn.name)).toEqual(['alpha', 'beta-notify']);
  });

  test('every resource of a function is named after the stack and the function', () => {
    expect(resourcesOf(alphaT, 'AWS::SQS::Queue')[ids.alpha.queue].QueueName).toBe('Destfn-fn-alpha');
    expect(resourcesOf(alphaT, 'AWS::SQS::Queue')[ids.alpha.dlq].QueueName).toBe('Destfn-dlq-alpha');
    expect(resourcesOf(betaT, 'AWS::Lambda::Function')[ids.beta.handler].FunctionName).toBe('Destfn-fn-beta-notify');
    expect(resourcesOf(betaT, 'AWS::Logs::LogGroup')[ids.beta.logs].LogGroupName).toBe('/destfn/Destfn/functions/beta-notify');
    expect(resourcesOf(betaT, 'AWS::SecretsManager::Secret')[ids.beta.secret].Name).toBe('destfn/Destfn/functions/beta-notify');
  });

  test('a removed folder: its DLQ is kept (failed events stay readable), its other resources go, its named log group too', () => {
    const dlq = alphaT.toJSON().Resources[ids.alpha.dlq] as { DeletionPolicy?: string; UpdateReplacePolicy?: string };
    expect(dlq).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const resources = alphaT.toJSON().Resources as Record<string, { DeletionPolicy?: string }>;
    for (const id of [ids.alpha.queue, ids.alpha.handler, ids.alpha.secret, ids.alpha.logs]) expect(resources[id].DeletionPolicy ?? 'Delete').toBe('Delete');
  });

  /** The event source invokes the `live` alias: CDK names it `<function name>:live`, the name taken from the alias ARN. */
  const liveAliasName = (alias: string) => ({ 'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: alias }] }] }, ':live']] });

  test('event source mappings report batch item failures, batches of 7 messages (≤ 112 events) within a 1 s window; maxConcurrency = invocations × events per invocation', () => {
    alphaT.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: liveAliasName(ids.alpha.live),
      EventSourceArn: { 'Fn::GetAtt': [ids.alpha.queue, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 7,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 2 }, // function.json says 1; SQS event sources need ≥ 2
    });
    alphaT.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DESTFN_FUNCTION_NAME: 'alpha', DESTFN_RECORD_CONCURRENCY: '1' }) },
    });
    betaT.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: liveAliasName(ids.beta.live),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 20 }, // the default maxConcurrency 200 = 20 invocations × 10 records
    });
    betaT.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DESTFN_FUNCTION_NAME: 'beta-notify', DESTFN_RECORD_CONCURRENCY: '10' }) },
    });
  });

  test('redrive maxReceiveCount = retry.attempts; DLQ keeps 14 days; SSE and TLS-only', () => {
    const queues = resourcesOf(alphaT, 'AWS::SQS::Queue');
    expect(queues[ids.alpha.queue].RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [ids.alpha.dlq, 'Arn'] },
      maxReceiveCount: 5,
    });
    expect((resourcesOf(betaT, 'AWS::SQS::Queue')[ids.beta.queue].RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(10);
    expect(queues[ids.alpha.dlq].MessageRetentionPeriod).toBe(14 * 24 * 3600);
    for (const t of [alphaT, betaT]) {
      for (const queue of Object.values(resourcesOf(t, 'AWS::SQS::Queue'))) expect(queue.SqsManagedSseEnabled).toBe(true);
      const tlsOnly = Object.values(resourcesOf(t, 'AWS::SQS::QueuePolicy'))
        .filter((p) => JSON.stringify(p).includes('"aws:SecureTransport":"false"'));
      expect(tlsOnly).toHaveLength(2);
    }
  });

  test('visibility timeout ≥ 6 × the Lambda timeout, which covers the function timeout', () => {
    for (const [fn, functionTimeout, t] of [[ids.alpha, 7, alphaT], [ids.beta, 5, betaT]] as const) {
      const timeout = resourcesOf(t, 'AWS::Lambda::Function')[fn.handler].Timeout as number;
      expect(timeout).toBeGreaterThan(functionTimeout);
      expect(resourcesOf(t, 'AWS::SQS::Queue')[fn.queue].VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  test('function Lambdas: nodejs22.x arm64, the runtime layer, their own code, env per the contract', () => {
    for (const [name, fn, t, stackId] of [['alpha', ids.alpha, alphaT, 'FunctionAlpha'], ['beta-notify', ids.beta, betaT, 'FunctionBetaNotify']] as const) {
      const lambda = resourcesOf(t, 'AWS::Lambda::Function')[fn.handler];
      expect(inMain(stackId, lambda.Layers)).toEqual([{ Ref: ids.layer }]);
      const env = (lambda.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(inMain(stackId, env.DESTFN_TABLE_NAME)).toEqual({ Ref: ids.table });
      expect(lambda).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 256,
        LoggingConfig: { LogGroup: { Ref: fn.logs } },
        Environment: {
          Variables: {
            DESTFN_FUNCTION_NAME: name,
            DESTFN_FUNCTION_DIR: 'function',
            DESTFN_TABLE_NAME: { Ref: expect.stringMatching(/^referenceto/) },
            DESTFN_SECRET_ARN: { Ref: fn.secret },
            DESTFN_QUEUE_URL: { Ref: fn.queue },
            POWERTOOLS_SERVICE_NAME: 'destfn',
            POWERTOOLS_METRICS_NAMESPACE: 'destfn',
          },
        },
      });
    }
    expect(resourcesOf(s.template, 'AWS::Lambda::Function')[ids.ingest].Layers).toBeUndefined();
    s.template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleRuntimes: ['nodejs22.x'],
      CompatibleArchitectures: ['arm64'],
    });
  });

  test('log groups keep 30 days', () => {
    for (const [fn, t] of [[ids.alpha, alphaT], [ids.beta, betaT]] as const) {
      expect(resourcesOf(t, 'AWS::Logs::LogGroup')[fn.logs].RetentionInDays).toBe(30);
    }
  });

  test('alarms on DLQ depth and Lambda errors notify the encrypted alarm topic', () => {
    alphaT.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.alpha.dlq, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
    const [dlqAlarm] = Object.values(resourcesOf(alphaT, 'AWS::CloudWatch::Alarm')).filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(inMain('FunctionAlpha', dlqAlarm.AlarmActions)).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
    betaT.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.beta.handler } }],
      Threshold: 0,
    });
    s.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});

describe('least privilege', () => {
  test("function A's role reads A's secret, consumes A's queue, writes A's records; its stack gets only the shared table, layer and topic", () => {
    const statements = roleStatements(ids.alpha.role, alphaT);
    expect(statements).toEqual(expect.arrayContaining([
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
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['alpha#*'] } },
      }),
    ]));
    const records = statements.find((st) => JSON.stringify(st.Action).includes('dynamodb'))!;
    expect(inMain('FunctionAlpha', records.Resource)).toEqual({ 'Fn::GetAtt': [ids.table, 'Arn'] });
    // What the main stack hands a function's nested stack: shared resources only, never another function's.
    for (const stackId of ['FunctionAlpha', 'FunctionBetaNotify']) {
      const given = Object.values((resourcesOf(s.template, 'AWS::CloudFormation::Stack')[stackId].Parameters ?? {}) as Record<string, unknown>);
      expect(given.map((v) => flatten(v).replace(/^(ref|att):(\w+?)[0-9A-F]{8}\b.*$/, '$2')).sort())
        .toEqual(['AlarmsTopic', 'DeliveriesTable', 'DeliveriesTable', 'RuntimeLayer']);
    }
    expect(JSON.stringify(alphaT.toJSON())).not.toContain('beta');
  });

  test('no other role may read a function secret; each function stack has one inline policy, its role\'s', () => {
    for (const [t, role] of [[alphaT, ids.alpha.role], [betaT, ids.beta.role]] as const) {
      const policies = Object.values(resourcesOf(t, 'AWS::IAM::Policy'));
      expect(policies.map((p) => p.Roles)).toEqual([[{ Ref: role }]]);
    }
    const main = JSON.stringify(resourcesOf(s.template, 'AWS::IAM::Policy'));
    expect(main).not.toContain('destfn/Destfn/functions');
    expect(managedPolicy('AccessOperators')).not.toContain('secretsmanager');
  });

  test('the ingest Lambda may only find and send to the function queues (by name prefix, not the DLQs) and read the source secrets', () => {
    const statements = roleStatements(ids.ingestRole);
    expect(statements.map((st) => st.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['sqs:GetQueueUrl', 'sqs:SendMessage'],
      'secretsmanager:GetSecretValue',
    ]);
    expect(flatten(statements[1].Resource)).toBe('arn:ref:AWS::Partition:sqs:ref:AWS::Region:ref:AWS::AccountId:Destfn-fn-*');
    expect(statements[2].Resource).toEqual(expect.arrayContaining([{ Ref: ids.sources.web }, { Ref: ids.sources.dev }]));
  });

  test('deployers manage every secret; operators find function stacks, read logs and records and replay DLQs, without secrets', () => {
    const deployers = managedPolicy('AccessDeployers');
    expect(deployers).toContain('secretsmanager:PutSecretValue');
    expect(deployers).toContain(':secret:destfn/Destfn/functions/*');
    for (const secret of [ids.sources.web, ids.sources.dev]) expect(deployers).toContain(`{"Ref":"${secret}"}`);
    expect(deployers).toContain(':function:Destfn-fn-*');
    const operators = managedPolicy('AccessOperators');
    expect(operators).not.toContain('secretsmanager');
    expect(operators).toContain('sqs:StartMessageMoveTask');
    expect(operators).toContain(':Destfn-dlq-*');
    expect(operators).toContain('cloudformation:DescribeStackResource');
    expect(operators).toContain(':stack/Destfn-*');
    expect(operators).toContain('log-group:/destfn/Destfn/functions/*');
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

  test('the routing table is a file of the ingest asset (queues by name); the environment holds the source secrets only', () => {
    const ingest = resourcesOf(s.template, 'AWS::Lambda::Function')[ids.ingest];
    expect(JSON.parse(readFileSync(join(assetDirOf(ids.ingest), 'routing.json'), 'utf8'))).toEqual({ functions: [
      { name: 'alpha', queueName: 'Destfn-fn-alpha', sources: ['web'], filter: 'type = "track"' },
      { name: 'beta-notify', queueName: 'Destfn-fn-beta-notify', sources: null, filter: null },
    ] });
    const env = (ingest.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env).sort()).toEqual(['DESTFN_SOURCE_SECRETS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME']);
    expect(JSON.parse(flatten(env.DESTFN_SOURCE_SECRETS))).toEqual({
      web: `ref:${ids.sources.web}`,
      dev: `ref:${ids.sources.dev}`,
    });
  });
});

describe('delivery table', () => {
  test('on-demand, pk string, TTL on ttl, PITR, GSIs byFunction (function, updatedAt; whole items) and pagesByFunction (hfn, hat; keys only)', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [{
        IndexName: 'byFunction',
        KeySchema: [{ AttributeName: 'function', KeyType: 'HASH' }, { AttributeName: 'updatedAt', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      }, {
        IndexName: 'pagesByFunction',
        KeySchema: [{ AttributeName: 'hfn', KeyType: 'HASH' }, { AttributeName: 'hat', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      }],
    });
  });

  test('operators list records: Query on the table and both indexes, BatchGetItem of the history pages', () => {
    const policy = JSON.parse(managedPolicy('AccessOperators')) as { PolicyDocument: { Statement: Array<{ Sid?: string; Action: string[]; Resource: unknown[] }> } };
    const statement = policy.PolicyDocument.Statement.find((st) => st.Sid === 'ReadDeliveries')!;
    expect(statement.Action).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:BatchGetItem']));
    expect(statement.Resource.map(flatten)).toEqual([
      `att:${ids.table}.Arn`, `att:${ids.table}.Arn/index/byFunction`, `att:${ids.table}.Arn/index/pagesByFunction`,
    ]);
  });
});

describe('secrets never in the template or assets', () => {
  test('function secrets are created empty; source write keys are generated by Secrets Manager', () => {
    const secrets = resourcesOf(s.template, 'AWS::SecretsManager::Secret');
    expect(resourcesOf(alphaT, 'AWS::SecretsManager::Secret')[ids.alpha.secret].SecretString).toBe('{}');
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
    const dir = assetDirOf(ids.alpha.handler, alphaT);
    expect(readFileSync(join(dir, 'index.js'), 'utf8'))
      .toBe("module.exports = require('destfn-runtime/destination-handler.js');\n");
    expect(readFileSync(join(dir, 'function', 'index.js'), 'utf8')).toMatch(/^\/\/ destfn-prebuilt style=script\n/);
    expect(JSON.parse(readFileSync(join(dir, 'function', 'settings.json'), 'utf8'))).toEqual({ channel: 'general' });
    expect(JSON.parse(readFileSync(join(dir, 'function', 'function.json'), 'utf8')).retry).toEqual({ attempts: 5, windowHours: 2 });
    const resolved = JSON.parse(readFileSync(join(dir, 'function', 'function.resolved.json'), 'utf8'));
    expect(resolved).toMatchObject({ format: 1, name: 'alpha', config: { retry: { attempts: 5, windowHours: 2 }, drop: [], onUnknownError: 'retry' } });
    expect(resolved.config.settings.apiKey).toEqual({ type: 'string', required: true, secret: true });
    expect(readFileSync(join(assetDirOf(ids.beta.handler, betaT), 'function', 'index.js'), 'utf8'))
      .toMatch(/^\/\/ destfn-prebuilt style=module\n/);
  });
});

describe('outputs', () => {
  test('the main stack: ApiUrl, TableName, policies, per source; each function stack: its queue, DLQ, secret, log group', () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([
      'AlarmTopicArn', 'ApiUrl', 'DeployerPolicyArn', 'DevSourceSecretArn', 'OperatorPolicyArn', 'TableName', 'WebSourceSecretArn',
    ]);
    const alpha = alphaT.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(alpha).sort()).toEqual(['DlqArn', 'DlqUrl', 'LogGroup', 'QueueUrl', 'SecretArn']);
    expect(alpha.QueueUrl.Value).toEqual({ Ref: ids.alpha.queue });
    expect(alpha.DlqUrl.Value).toEqual({ Ref: ids.alpha.dlq });
    expect(alpha.DlqArn.Value).toEqual({ 'Fn::GetAtt': [ids.alpha.dlq, 'Arn'] });
    expect((betaT.toJSON().Outputs as Record<string, { Value: unknown }>).SecretArn.Value).toEqual({ Ref: ids.beta.secret });
    expect(alpha.LogGroup.Value).toEqual({ Ref: ids.alpha.logs });
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
    const arn = (rest: string) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${rest}*]`;
    expect(new Set(acknowledged.map((a) => a.id))).toEqual(new Set([
      'AwsSolutions-L1', 'AwsSolutions-SMG4', 'AwsSolutions-APIG4',
      // Name-prefix wildcards, one per prefix: every function of the stack, never one ARN each.
      arn('sqs:<AWS::Region>:<AWS::AccountId>:Destfn-fn-'), arn('sqs:<AWS::Region>:<AWS::AccountId>:Destfn-dlq-'),
      arn('cloudformation:<AWS::Region>:<AWS::AccountId>:stack/Destfn-'), arn('lambda:<AWS::Region>:<AWS::AccountId>:function:Destfn-fn-'),
      arn('secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:destfn/Destfn/functions/'),
      arn('logs:<AWS::Region>:<AWS::AccountId>:log-group:/destfn/Destfn/functions/'),
      // Operators pause/resume: event source mappings (conditioned on the function prefix); List has no resource level.
      arn('lambda:<AWS::Region>:<AWS::AccountId>:event-source-mapping:'), 'AwsSolutions-IAM5[Resource::*]',
    ]));
  });
});

function assetDirOf(lambdaId: string, template = s.template): string {
  const code = resourcesOf(template, 'AWS::Lambda::Function')[lambdaId].Code as { S3Key: string };
  return join(s.app.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
}

/**
 * `cdk deploy` played onto the local AWS plane: every resource of the synthesized template that destfn's
 * code touches is created from the template's own properties (queues with their redrive, visibility and
 * retention; queue policies; the table; secrets; log groups; roles with their policies), then each Lambda is
 * laid out and run as Lambda would, the HTTP API and the SQS event source mappings are played from the
 * template, and the stack's outputs are published for `destfn … --aws` (DescribeStacks).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CreateTableCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { startHttpApi, type CorsConfiguration, type HttpApi, type Route } from './api-gateway';
import type { AwsPlane, PolicyDocument } from './aws-plane';
import { startEventSource, type EventSourceMapping } from './event-source';
import { layOutLambda } from './lambda/layout';
import { LambdaFunction } from './lambda/lambda-function';
import type { CloudAssembly } from './synth';
import { TemplateValues } from './template';

export interface DeployedStack {
  values: TemplateValues;
  outputs: Record<string, string>;
  /** By logical id. */
  lambdas: Map<string, LambdaFunction>;
  api: HttpApi;
  eventSources: EventSourceMapping[];
  /** Lines a Lambda could not write to CloudWatch Logs because its role does not allow it. */
  logDenials: string[];
  /** Credentials of a principal that has exactly one of the stack's managed policies (by logical id). */
  principalWithManagedPolicy(logicalId: string, name: string): Record<string, string>;
  stop(): Promise<void>;
}

export async function deployStack(assembly: CloudAssembly, plane: AwsPlane, workDir: string): Promise<DeployedStack> {
  const { region, accountId } = plane;
  const stackName = assembly.stackName;
  const stackId = `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/${randomUUID()}`;
  const values = new TemplateValues(assembly.template, { region, accountId, stackName, stackId });
  const name = (logicalId: string, max = 64) => `${stackName}-${logicalId}`.slice(0, max);

  // Resources destfn's code never touches still answer Ref (alarms, topic, key…).
  for (const id of Object.keys(assembly.template.Resources)) values.set(id, { ref: name(id), attributes: { Arn: `arn:aws:rehearsal:${region}:${accountId}:${id}` } });

  for (const id of values.ofType('AWS::DynamoDB::Table')) {
    const tableName = name(id, 255);
    await plane.admin.dynamodb.send(new CreateTableCommand(tableInput(tableName, values.properties(id))));
    values.set(id, { ref: tableName, attributes: { Arn: `arn:aws:dynamodb:${region}:${accountId}:table/${tableName}` } });
  }
  for (const id of values.ofType('AWS::SecretsManager::Secret')) {
    const arn = await plane.secrets.create(name(id, 512), secretValue(values, id));
    values.set(id, { ref: arn, attributes: {} });
  }
  for (const id of values.ofType('AWS::Logs::LogGroup')) {
    const group = name(id, 512);
    values.set(id, { ref: group, attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${group}:*` } });
  }
  for (const id of values.ofType('AWS::IAM::Role')) {
    const role = name(id);
    values.set(id, { ref: role, attributes: { Arn: `arn:aws:iam::${accountId}:role/${role}`, RoleId: `AROA${id.toUpperCase().slice(0, 17)}` } });
  }
  for (const id of values.ofType('AWS::IAM::ManagedPolicy')) {
    values.set(id, { ref: `arn:aws:iam::${accountId}:policy/${name(id, 128)}`, attributes: {} });
  }
  for (const id of values.ofType('AWS::Lambda::LayerVersion')) {
    values.set(id, { ref: `arn:aws:lambda:${region}:${accountId}:layer:${name(id)}:1`, attributes: {} });
  }
  for (const id of values.ofType('AWS::Lambda::Function')) {
    const fnName = name(id);
    values.set(id, { ref: fnName, attributes: { Arn: `arn:aws:lambda:${region}:${accountId}:function:${fnName}` } });
  }
  for (const id of values.ofType('AWS::ApiGatewayV2::Api')) {
    const apiId = id.toLowerCase().slice(0, 10);
    values.set(id, { ref: apiId, attributes: { ApiEndpoint: `https://${apiId}.execute-api.${region}.amazonaws.com` } });
  }
  await createQueues(values, plane, name);

  for (const id of values.ofType('AWS::SQS::QueuePolicy')) {
    const props = values.properties(id);
    const document = values.resolve(props.PolicyDocument) as PolicyDocument;
    for (const url of values.resolve(props.Queues) as string[]) plane.setResourcePolicy(queueArnOf(values, url), document);
  }

  const rolePolicies = collectRolePolicies(values);
  const roleCredentials = new Map<string, Record<string, string>>();
  for (const [roleId, policies] of rolePolicies) {
    const role = values.get(roleId).ref;
    roleCredentials.set(roleId, plane.addPrincipal({
      name: roleId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${role}/rehearsal`,
      policies,
    }));
  }

  const logDenials: string[] = [];
  const lambdas = new Map<string, LambdaFunction>();
  for (const id of values.ofType('AWS::Lambda::Function')) {
    lambdas.set(id, createLambda(id, values, assembly, plane, workDir, roleCredentials, logDenials));
  }

  const api = await startApi(values, lambdas, accountId, region);
  const eventSources = values.ofType('AWS::Lambda::EventSourceMapping').map((id) => {
    const props = values.properties(id);
    const queueArn = values.string(props.EventSourceArn);
    const fnId = logicalIdOf(values, 'AWS::Lambda::Function', values.string(props.FunctionName));
    const roleId = roleOf(values, fnId);
    const credentials = roleCredentials.get(roleId)!;
    return startEventSource({
      queueUrl: queueUrlOf(values, queueArn),
      queueArn,
      batchSize: Number(props.BatchSize ?? 10),
      maximumConcurrency: Number((props.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 5),
      reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
      region,
      endpoint: plane.endpoint,
      credentials: {
        accessKeyId: credentials.AWS_ACCESS_KEY_ID, secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY, sessionToken: credentials.AWS_SESSION_TOKEN,
      },
    }, lambdas.get(fnId)!);
  });

  const outputs = { ...values.outputs(), ...apiUrlOutputs(values, api.url) };
  plane.cloudformation.setStack(stackName, outputs, stackId);

  return {
    values,
    outputs,
    lambdas,
    api,
    eventSources,
    logDenials,
    principalWithManagedPolicy(logicalId, principalName) {
      const document = values.resolve(values.properties(logicalId).PolicyDocument) as PolicyDocument;
      return plane.addPrincipal({
        name: principalName,
        arn: `arn:aws:sts::${accountId}:assumed-role/${principalName}/rehearsal`,
        policies: [{ name: logicalId, document }],
      });
    },
    async stop() {
      await Promise.all(eventSources.map((e) => e.stop()));
      await api.stop();
      await Promise.all([...lambdas.values()].map((l) => l.stop()));
    },
  };
}

function tableInput(tableName: string, props: Record<string, unknown>): CreateTableCommandInput {
  const indexes = props.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'];
  return {
    TableName: tableName,
    BillingMode: (props.BillingMode as CreateTableCommandInput['BillingMode']) ?? 'PROVISIONED',
    AttributeDefinitions: props.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    ...(indexes ? { GlobalSecondaryIndexes: indexes } : {}),
  };
}

function secretValue(values: TemplateValues, id: string): string {
  const props = values.properties(id);
  if (props.SecretString !== undefined) return values.string(props.SecretString);
  const generate = props.GenerateSecretString as { SecretStringTemplate?: string; GenerateStringKey?: string; PasswordLength?: number } | undefined;
  const password = randomBytes(48).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, generate?.PasswordLength ?? 32);
  if (!generate?.SecretStringTemplate || !generate.GenerateStringKey) return password;
  return JSON.stringify({ ...JSON.parse(generate.SecretStringTemplate), [generate.GenerateStringKey]: password });
}

async function createQueues(values: TemplateValues, plane: AwsPlane, name: (id: string, max?: number) => string): Promise<void> {
  const ids = values.ofType('AWS::SQS::Queue');
  // Dead-letter queues first: a redrive policy names its DLQ's ARN.
  const ordered = [...ids.filter((id) => !values.properties(id).RedrivePolicy), ...ids.filter((id) => values.properties(id).RedrivePolicy)];
  for (const id of ordered) {
    const props = values.properties(id);
    const attributes: Record<string, string> = {};
    for (const key of ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'MaximumMessageSize']) {
      if (props[key] !== undefined) attributes[key] = String(values.resolve(props[key]));
    }
    if (props.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(values.resolve(props.RedrivePolicy));
    const queueName = name(id, 80);
    const queue = await plane.sqs.createQueue(queueName, attributes);
    values.set(id, { ref: queue.url, attributes: { Arn: queue.arn, QueueName: queueName, QueueUrl: queue.url } });
  }
}

function queueArnOf(values: TemplateValues, url: string): string {
  for (const id of values.ofType('AWS::SQS::Queue')) if (values.get(id).ref === url) return values.get(id).attributes.Arn;
  throw new Error(`no queue with URL ${url}`);
}

function queueUrlOf(values: TemplateValues, arn: string): string {
  for (const id of values.ofType('AWS::SQS::Queue')) if (values.get(id).attributes.Arn === arn) return values.get(id).ref;
  throw new Error(`no queue with ARN ${arn}`);
}

function logicalIdOf(values: TemplateValues, type: string, ref: string): string {
  const found = values.ofType(type).find((id) => values.get(id).ref === ref || values.get(id).attributes.Arn === ref);
  if (!found) throw new Error(`no ${type} answers to ${ref}`);
  return found;
}

/** Inline policies (AWS::IAM::Policy attached by Roles, and the role's own Policies) and managed policies of each role. */
function collectRolePolicies(values: TemplateValues): Map<string, Array<{ name: string; document: PolicyDocument }>> {
  const byRole = new Map<string, Array<{ name: string; document: PolicyDocument }>>();
  for (const id of values.ofType('AWS::IAM::Role')) {
    const props = values.properties(id);
    const inline = ((props.Policies as Array<{ PolicyName: string; PolicyDocument: unknown }> | undefined) ?? [])
      .map((p) => ({ name: p.PolicyName, document: values.resolve(p.PolicyDocument) as PolicyDocument }));
    const managed = ((values.resolve(props.ManagedPolicyArns ?? []) as string[])).map((arn) => {
      const policyId = values.ofType('AWS::IAM::ManagedPolicy').find((p) => values.get(p).ref === arn);
      if (!policyId) throw new Error(`role ${id} attaches managed policy ${arn}, which the rehearsal does not know`);
      return { name: policyId, document: values.resolve(values.properties(policyId).PolicyDocument) as PolicyDocument };
    });
    byRole.set(id, [...inline, ...managed]);
  }
  for (const id of values.ofType('AWS::IAM::Policy')) {
    const props = values.properties(id);
    const document = values.resolve(props.PolicyDocument) as PolicyDocument;
    for (const roleName of values.resolve(props.Roles ?? []) as string[]) {
      const roleId = logicalIdOf(values, 'AWS::IAM::Role', roleName);
      byRole.get(roleId)!.push({ name: String(props.PolicyName ?? id), document });
    }
  }
  for (const id of values.ofType('AWS::IAM::ManagedPolicy')) {
    const props = values.properties(id);
    for (const roleName of values.resolve(props.Roles ?? []) as string[]) {
      byRole.get(logicalIdOf(values, 'AWS::IAM::Role', roleName))!.push({ name: id, document: values.resolve(props.PolicyDocument) as PolicyDocument });
    }
  }
  return byRole;
}

function roleOf(values: TemplateValues, functionId: string): string {
  return logicalIdOf(values, 'AWS::IAM::Role', values.string(values.properties(functionId).Role));
}

function assetPath(assembly: CloudAssembly, id: string): string {
  const path = assembly.template.Resources[id].Metadata?.['aws:asset:path'];
  if (typeof path !== 'string') throw new Error(`${id} has no aws:asset:path metadata`);
  return join(assembly.dir, path);
}

function createLambda(id: string, values: TemplateValues, assembly: CloudAssembly, plane: AwsPlane, workDir: string,
  roleCredentials: Map<string, Record<string, string>>, logDenials: string[]): LambdaFunction {
  const props = values.properties(id);
  if (props.Runtime !== 'nodejs22.x') throw new Error(`${id}: runtime ${String(props.Runtime)} is not the one rehearsed (nodejs22.x)`);
  const layerIds = ((values.resolve(props.Layers ?? []) as string[])).map((arn) => logicalIdOf(values, 'AWS::Lambda::LayerVersion', arn));
  const fs = layOutLambda(join(workDir, id), assetPath(assembly, id), layerIds.map((layer) => assetPath(assembly, layer)));
  const functionName = values.get(id).ref;
  const logGroup = (props.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup !== undefined
    ? values.string((props.LoggingConfig as { LogGroup: unknown }).LogGroup)
    : `/aws/lambda/${functionName}`;
  const roleId = roleOf(values, id);
  const environment = values.resolve((props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<string, string>;
  const streams = new Set<string>();
  let written = Promise.resolve();
  return new LambdaFunction({
    functionName,
    functionArn: values.get(id).attributes.Arn,
    handler: String(props.Handler),
    timeoutSeconds: Number(props.Timeout ?? 3),
    memoryMb: Number(props.MemorySize ?? 128),
    fs,
    environment,
    region: plane.region,
    logGroup,
    credentials: roleCredentials.get(roleId)!,
    awsEndpoint: plane.endpoint,
    onLog(stream, line) {
      // Lambda writes a function's output with its execution role: CreateLogStream once, then PutLogEvents.
      // The checks are async; one chain keeps the lines in order.
      written = written.then(async () => {
        const streamArn = plane.arns.logStream(logGroup, stream);
        const actions = streams.has(stream) ? ['logs:PutLogEvents'] : ['logs:CreateLogStream', 'logs:PutLogEvents'];
        for (const action of actions) {
          const decision = await plane.authorize(roleId, action, streamArn);
          if (!decision.allowed) {
            logDenials.push(`${roleId} may not ${action} on ${streamArn}`);
            return;
          }
        }
        streams.add(stream);
        plane.logs.put(logGroup, stream, [line]);
      });
    },
  });
}

async function startApi(values: TemplateValues, lambdas: Map<string, LambdaFunction>, accountId: string, region: string): Promise<HttpApi> {
  const apiIds = values.ofType('AWS::ApiGatewayV2::Api');
  if (apiIds.length !== 1) throw new Error(`expected one HTTP API, found ${apiIds.length}`);
  const apiId = values.get(apiIds[0]).ref;
  const routes: Route[] = values.ofType('AWS::ApiGatewayV2::Route').map((id) => {
    const props = values.properties(id);
    const routeKey = String(props.RouteKey);
    const [method, path] = routeKey.split(' ');
    const integrationId = values.string(props.Target).replace(/^integrations\//, '');
    const integration = values.ofType('AWS::ApiGatewayV2::Integration').find((i) => values.get(i).ref === integrationId)!;
    const integrationProps = values.properties(integration);
    if (integrationProps.IntegrationType !== 'AWS_PROXY' || integrationProps.PayloadFormatVersion !== '2.0') {
      throw new Error(`route ${routeKey}: the rehearsal plays Lambda proxy integrations with payload 2.0 only`);
    }
    const fnId = logicalIdOf(values, 'AWS::Lambda::Function', values.string(integrationProps.IntegrationUri));
    assertInvokePermission(values, fnId, `arn:aws:execute-api:${region}:${accountId}:${apiId}/$default/${method}${path}`, routeKey);
    return { method, path, routeKey, integration: lambdas.get(fnId)! };
  });
  const cors = values.resolve(values.properties(apiIds[0]).CorsConfiguration) as CorsConfiguration | undefined;
  return startHttpApi(routes, cors, accountId);
}

/** API Gateway may invoke a Lambda only where an AWS::Lambda::Permission lets it, for that route's source ARN. */
function assertInvokePermission(values: TemplateValues, fnId: string, sourceArn: string, routeKey: string): void {
  const fnArn = values.get(fnId).attributes.Arn;
  const allowed = values.ofType('AWS::Lambda::Permission').some((id) => {
    const props = values.resolve(values.properties(id)) as { Action?: string; Principal?: string; FunctionName?: string; SourceArn?: string };
    if (props.Action !== 'lambda:InvokeFunction' || props.Principal !== 'apigateway.amazonaws.com') return false;
    if (props.FunctionName !== fnArn && props.FunctionName !== values.get(fnId).ref) return false;
    if (props.SourceArn === undefined) return true;
    const pattern = new RegExp(`^${props.SourceArn.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return pattern.test(sourceArn);
  });
  if (!allowed) throw new Error(`route ${routeKey}: no AWS::Lambda::Permission lets API Gateway invoke ${fnId} (${sourceArn})`);
}

/** Outputs whose value is the API's URL point at the played API instead. */
function apiUrlOutputs(values: TemplateValues, url: string): Record<string, string> {
  const outputs = values.outputs();
  return Object.fromEntries(Object.entries(outputs).filter(([, v]) => /execute-api/.test(v)).map(([k]) => [k, url]));
}

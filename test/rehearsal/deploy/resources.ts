/**
 * The stack's resources created on the plane from the template's own properties (queues with their redrive,
 * visibility and retention, queue policies, the table, secrets), and a physical name for every other resource
 * so that each Ref and Fn::GetAtt resolves as CloudFormation would answer it: the name the template gives
 * (QueueName, FunctionName, LogGroupName, a secret's Name), else "<stack name>-<logical id>".
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { AwsPlane, PolicyDocument } from '../aws-plane';
import type { TemplateValues } from '../template';

export async function createResources(values: TemplateValues, plane: AwsPlane): Promise<void> {
  const { region, accountId } = plane;
  const { stackName } = values.deployment;
  const generated = (logicalId: string, max = 64) => `${stackName}-${logicalId}`.slice(0, max);
  const name = (logicalId: string, max = 64) => {
    const props = values.properties(logicalId);
    const given = props.QueueName ?? props.FunctionName ?? props.LogGroupName ?? (values.template.Resources[logicalId].Type === 'AWS::SecretsManager::Secret' ? props.Name : undefined);
    return given === undefined ? generated(logicalId, max) : values.string(given);
  };
  // Resources destfn's code never touches still answer Ref (alarms, topic, key…).
  for (const id of Object.keys(values.template.Resources)) values.set(id, { ref: generated(id), attributes: { Arn: `arn:aws:rehearsal:${region}:${accountId}:${id}` } });

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
  // A deploy publishes each AWS::Lambda::Version and points each AWS::Lambda::Alias at its version.
  for (const id of values.ofType('AWS::Lambda::Version')) {
    const props = values.properties(id);
    const fnName = values.string(props.FunctionName);
    const version = plane.lambda.publish(fnName, props.Description === undefined ? '' : values.string(props.Description), id);
    values.set(id, { ref: `arn:aws:lambda:${region}:${accountId}:function:${fnName}:${version}`, attributes: { Version: version } });
  }
  for (const id of values.ofType('AWS::Lambda::Alias')) {
    const props = values.properties(id);
    const fnName = values.string(props.FunctionName);
    plane.lambda.setAlias(fnName, values.string(props.Name), values.string(props.FunctionVersion));
    values.set(id, { ref: `arn:aws:lambda:${region}:${accountId}:function:${fnName}:${values.string(props.Name)}`, attributes: {} });
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

export function queueArnOf(values: TemplateValues, url: string): string {
  for (const id of values.ofType('AWS::SQS::Queue')) if (values.get(id).ref === url) return values.get(id).attributes.Arn;
  throw new Error(`no queue with URL ${url}`);
}

export function queueUrlOf(values: TemplateValues, arn: string): string {
  for (const id of values.ofType('AWS::SQS::Queue')) if (values.get(id).attributes.Arn === arn) return values.get(id).ref;
  throw new Error(`no queue with ARN ${arn}`);
}


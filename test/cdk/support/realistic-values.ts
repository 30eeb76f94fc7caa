/**
 * A synthesized cloud assembly read with the values CloudFormation would give it at their realistic (long) length:
 * every resource gets the name CloudFormation generates ("<stack>-<logical id>-<13 characters>", cut at the
 * service's limit) or the one the template gives, and the ARNs and URLs built on it; nested stacks get the
 * values their parent passes. For checking the size limits IAM and Lambda count after resolution.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TemplateValues, type CfnTemplate, type PhysicalResource } from '../../rehearsal/template';

const REGION = 'ap-southeast-2'; // one of the longest region names
const ACCOUNT = '123456789012';

export interface AssemblyTemplate {
  /** "Destfn", or "Destfn/<nested logical id>". */
  path: string;
  file: string;
  bytes: number;
  values: TemplateValues;
}

/** The main template (`stackName`.template.json) and every nested one, values resolved as deployed. */
export function readAssembly(dir: string, stackName: string): AssemblyTemplate[] {
  const main = load(dir, `${stackName}.template.json`, stackName, {});
  const nested = main.values.ofType('AWS::CloudFormation::Stack').map((id) => {
    const file = main.values.template.Resources[id].Metadata?.['aws:asset:path'];
    if (typeof file !== 'string') throw new Error(`nested stack ${id} has no aws:asset:path`);
    const parameters = main.values.resolve(main.values.properties(id).Parameters ?? {}) as Record<string, string>;
    return load(dir, file, `${stackName}-${id}-ABCDEFGHIJKLM`, parameters, `${stackName}/${id}`);
  });
  for (const t of nested) main.values.set(t.path.split('/')[1], { ref: t.values.deployment.stackId, attributes: {} });
  return [main, ...nested];
}

function load(dir: string, file: string, stackName: string, parameters: Record<string, string>, path = stackName): AssemblyTemplate {
  const text = readFileSync(join(dir, file), 'utf8');
  const stackId = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
  const values = new TemplateValues(JSON.parse(text) as CfnTemplate, { region: REGION, accountId: ACCOUNT, stackName, stackId }, parameters);
  for (const id of Object.keys(values.template.Resources)) values.set(id, physical(values, id));
  return { path, file, bytes: Buffer.byteLength(text), values };
}

function physical(values: TemplateValues, id: string): PhysicalResource {
  const { Type: type } = values.template.Resources[id];
  const props = values.template.Resources[id].Properties ?? {};
  const { stackName } = values.deployment;
  const named = (key: string, max: number) => (typeof props[key] === 'string' ? props[key] as string : `${stackName}-${id}`.slice(0, max - 14) + '-ABCDEFGHIJKLM');
  const arn = (service: string, resource: string, region = REGION) => `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;
  switch (type) {
    case 'AWS::SQS::Queue': {
      const name = named('QueueName', 80);
      return { ref: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`, attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}` } };
    }
    case 'AWS::SecretsManager::Secret':
      return { ref: arn('secretsmanager', `secret:${named('Name', 256)}-AbCdEf`), attributes: {} };
    case 'AWS::Logs::LogGroup': {
      const name = named('LogGroupName', 512);
      return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
    }
    case 'AWS::Lambda::Function': {
      const name = named('FunctionName', 64);
      return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
    }
    case 'AWS::IAM::Role': {
      const name = named('RoleName', 64);
      return { ref: name, attributes: { Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, RoleId: 'AROAABCDEFGHIJKLMNOPQ' } };
    }
    case 'AWS::IAM::ManagedPolicy':
      return { ref: `arn:aws:iam::${ACCOUNT}:policy/${named('ManagedPolicyName', 128)}`, attributes: {} };
    case 'AWS::Lambda::LayerVersion':
      return { ref: arn('lambda', `layer:${named('LayerName', 64)}:1`), attributes: {} };
    case 'AWS::DynamoDB::Table': {
      const name = named('TableName', 255);
      return { ref: name, attributes: { Arn: arn('dynamodb', `table/${name}`), StreamArn: arn('dynamodb', `table/${name}/stream/2026-01-01T00:00:00.000`) } };
    }
    case 'AWS::SNS::Topic': {
      const topic = arn('sns', named('TopicName', 256));
      return { ref: topic, attributes: { TopicArn: topic } };
    }
    case 'AWS::KMS::Key':
      return { ref: '1234abcd-12ab-34cd-56ef-1234567890ab', attributes: { Arn: arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab'), KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' } };
    case 'AWS::ApiGatewayV2::Api':
      return { ref: 'a1b2c3d4e5', attributes: { ApiEndpoint: `https://a1b2c3d4e5.execute-api.${REGION}.amazonaws.com`, ApiId: 'a1b2c3d4e5' } };
    default: {
      const name = named('Name', 64);
      return { ref: name, attributes: { Arn: arn(type.split('::')[1].toLowerCase(), name), Name: name } };
    }
  }
}

/**
 * Each Lambda's role allows exactly the AWS calls its bundled code makes: every SDK command found in the
 * bundle's sources is allowed on the right resource, and no DynamoDB, SQS or Secrets Manager action is
 * granted that the code does not make (besides what the SQS event source itself needs to consume).
 */
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import { bundledInputs } from '../../lib/asset-bundler';
import { DEFAULT_HANDLER_ENTRIES } from '../../lib/lambda-assets';
import { prefixArn } from '../../lib/prefix-arn';
import { ALPHA, BETA, cleanUp, makeProject, resourcesOf, synthProject, type Synthesized } from './project';
import { iamActionsNeeded } from './support/sdk-actions';
import { logicalId } from './template-values';

afterAll(cleanUp);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
type Resource = Record<string, unknown>;

/** What Lambda's SQS event source polls with, on the function's own queue. */
const EVENT_SOURCE_ACTIONS = [
  'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl',
];
/** Writing to its own log group (lib/lambda-role.ts). */
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

let s: Synthesized;

beforeAll(() => {
  s = synthProject(makeProject([ALPHA, BETA], ['web', 'dev']), { cfnValidation: false });
}, 60_000);

interface LambdaUnderTest {
  entry: string;
  role: IConstruct;
  /** The template holding the role's policies. */
  template: Template;
  /** Per service, the resources that service's actions may name. */
  resources: Record<string, Resource[]>;
  alsoAllowed: string[];
}

function destination(): LambdaUnderTest {
  const alpha = s.stack.functions[0];
  const table = Object.keys(s.template.findResources('AWS::DynamoDB::Table'))[0];
  // In its nested stack the table's ARN is the parameter the main stack sets to it.
  const parameters = resourcesOf(s.template, 'AWS::CloudFormation::Stack').FunctionAlpha.Parameters as Record<string, unknown>;
  const tableArn = Object.keys(parameters).find((name) => same(parameters[name], { 'Fn::GetAtt': [table, 'Arn'] }));
  return {
    entry: DEFAULT_HANDLER_ENTRIES.destination,
    role: alpha.handler.role as unknown as IConstruct,
    template: Template.fromStack(s.stack.functionStacks[0]),
    resources: {
      dynamodb: [{ Ref: tableArn }],
      sqs: [{ 'Fn::GetAtt': [logicalId(alpha.queue), 'Arn'] }],
      secretsmanager: [{ Ref: logicalId(alpha.secret) }],
    },
    alsoAllowed: [...EVENT_SOURCE_ACTIONS, ...LOG_ACTIONS],
  };
}

function ingest(): LambdaUnderTest {
  const sourceSecrets = Object.keys(s.template.findResources('AWS::SecretsManager::Secret')).filter((id) => id.startsWith('Sources'));
  return {
    entry: DEFAULT_HANDLER_ENTRIES.ingest,
    role: s.stack.ingest.handler.role as unknown as IConstruct,
    template: s.template,
    resources: {
      dynamodb: [],
      // Every function queue by its name prefix: never a DLQ, never one ARN per function.
      sqs: [s.stack.resolve(prefixArn('sqs', 'Destfn-fn-')) as Resource],
      secretsmanager: sourceSecrets.map((id) => ({ Ref: id })),
    },
    alsoAllowed: LOG_ACTIONS,
  };
}

function allowStatements(role: IConstruct, template: Template): Statement[] {
  const roleId = logicalId(role);
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => (policy.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((statement) => statement.Effect === 'Allow');
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const serviceOf = (action: string): string => action.split(':')[0];

function allows(statements: Statement[], action: string, resource: Resource): boolean {
  return statements.some((st) => list(st.Action).includes(action) && list(st.Resource).some((r) => same(r, resource)));
}

describe.each([
  ['destination', destination],
  ['ingest', ingest],
])('the %s Lambda role', (_kind, describeLambda) => {
  let lambda: LambdaUnderTest;
  let needed: Map<string, string[]>;
  let statements: Statement[];
  beforeAll(() => {
    lambda = describeLambda();
    needed = iamActionsNeeded(bundledInputs(lambda.entry));
    statements = allowStatements(lambda.role, lambda.template);
  }, 30_000);

  test('allows every AWS call its bundled code makes, on the resources it makes them on', () => {
    expect(needed.size).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const [action, usedIn] of needed) {
      const resources = lambda.resources[serviceOf(action)] ?? [];
      if (resources.length === 0) missing.push(`${action} (sent by ${usedIn.join(', ')}): no resource expected for it`);
      for (const resource of resources) {
        if (!allows(statements, action, resource)) missing.push(`${action} on ${JSON.stringify(resource)} (sent by ${usedIn.join(', ')})`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('allows no action the code does not make, and only on its own resources', () => {
    const granted = statements.flatMap((st) => list(st.Action));
    const unused = granted.filter((action) => !needed.has(action) && !lambda.alsoAllowed.includes(action));
    expect(unused).toEqual([]);
    const foreign = statements.flatMap((st) => list(st.Action).flatMap((action) => {
      const own = lambda.resources[serviceOf(action)];
      if (own === undefined) return [];
      return list(st.Resource).filter((r) => !own.some((o) => same(o, r))).map((r) => `${action} on ${JSON.stringify(r)}`);
    }));
    expect(foreign).toEqual([]);
  });
});

test('the destination role reads and writes only records keyed "<function>#…"', () => {
  const { role, template } = destination();
  const dynamodb = allowStatements(role, template).filter((st) => list(st.Action).some((a) => a.startsWith('dynamodb:')));
  expect(dynamodb).toHaveLength(1);
  expect(dynamodb[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['alpha#*'] } });
});

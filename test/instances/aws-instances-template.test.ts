/**
 * The synthesized stack for a folder with instances: each deployed instance is its own function (nested stack,
 * queue, DLQ, Lambda, role, secret, records scoped to `<folder>:<instance>#*`), whose Lambda publishes a version
 * described with its code version, kept on replacement, and whose SQS event source invokes the `live` alias.
 * Operators may read versions; Deployers may also move `live` (rollback).
 */
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { readFunctionFolder } from '../../runtime/function';
import { cleanUp, makeProject, resourcesOf, synthProject, type Synthesized } from '../cdk/project';

afterAll(cleanUp);

const SHOP = {
  name: 'shop',
  files: {
    'index.js': 'async function onTrack(event, settings) { return settings.region; }\n',
    'function.json': {
      settings: { region: { type: 'string', required: true }, apiKey: { type: 'string', secret: true } },
      instances: {
        eu: { sources: ['web'], settings: { region: 'eu-west-1' } },
        us: { sources: ['web'], settings: { region: 'us-east-1' } },
        lab: { deploy: false, settings: { region: 'local' } },
      },
    },
  },
};

let s: Synthesized;
let project: string;
beforeAll(() => {
  project = makeProject([SHOP], ['web']);
  s = synthProject(project, { cfnValidation: false });
});

type Statement = { Sid?: string; Action: string | string[]; Condition?: Record<string, Record<string, string[]>> };
const actionsOf = (statements: Statement[]) => statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));

test('one function per deployed instance, each with its own queue, Lambda, role and secret, records scoped to its name', () => {
  expect(s.stack.functions.map((fn) => fn.name)).toEqual(['shop:eu', 'shop:us']);
  const versions = Object.fromEntries(readFunctionFolder(join(project, 'functions', 'shop')).map((d) => [d.name, d.version]));
  s.stack.functionStacks.forEach((stack, i) => {
    const name = s.stack.functions[i].name;
    const t = Template.fromStack(stack);
    for (const type of ['AWS::SQS::Queue', 'AWS::Lambda::Function', 'AWS::SecretsManager::Secret', 'AWS::Lambda::Alias', 'AWS::Lambda::Version']) {
      expect(Object.keys(t.findResources(type)).length).toBe(type === 'AWS::SQS::Queue' ? 2 : 1);
    }
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { DESTFN_FUNCTION_NAME: name } } });
    const [versionId, version] = Object.entries(t.findResources('AWS::Lambda::Version'))[0] as [string, { Properties: { Description: string }; DeletionPolicy: string }];
    expect(version.Properties.Description).toBe(`destfn code ${versions[name]}`);
    expect(version.DeletionPolicy).toBe('Retain'); // kept for `destfn rollback`
    t.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] } });
    const aliasId = Object.keys(t.findResources('AWS::Lambda::Alias'))[0];
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { 'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: aliasId }] }] }, ':live']] },
    });
    const policies = Object.values(resourcesOf(t, 'AWS::IAM::Policy')).flatMap((p) => (p.PolicyDocument as { Statement: Statement[] }).Statement);
    const leading = policies.flatMap((st) => st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []);
    expect(leading).toEqual([`${name}#*`]);
  });
  expect(s.json).not.toContain('shop:lab');
});

test('Operators read versions; Deployers also move the live alias', () => {
  const managed = resourcesOf(s.template, 'AWS::IAM::ManagedPolicy');
  const byDescription = (text: string) => (Object.values(managed).find((p) => String(p.Description).includes(text))!.PolicyDocument as { Statement: Statement[] }).Statement;
  const operators = actionsOf(byDescription('read logs'));
  const deployers = actionsOf(byDescription('deploy the stack'));
  expect(operators).toEqual(expect.arrayContaining(['lambda:ListVersionsByFunction', 'lambda:GetAlias']));
  expect(operators).not.toContain('lambda:UpdateAlias');
  expect(deployers).toEqual(expect.arrayContaining(['lambda:ListVersionsByFunction', 'lambda:GetAlias', 'lambda:UpdateAlias']));
});

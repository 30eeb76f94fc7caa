/**
 * On AWS each function is its own Lambda and role (issue 11.1): a destination Lambda's environment and role
 * give it its own secret and nothing of another function's or of the sources'. Checked on the synthesized
 * templates of a project with three functions and two sources: the Lambda's environment names no secret but its
 * own (no other secret, no dynamic `{{resolve:secretsmanager:…}}` reference, no source write key), the parameters
 * its nested stack receives name no secret at all, and its role reads only its own secret.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { DestinationFunction } from '../../lib/destination-function';
import { ALPHA, BETA, GAMMA, LOCAL_SECRET_MARKER, cleanUp, makeProject, resourcesOf, synthProject, type Synthesized } from './project';
import { logicalId } from './template-values';

afterAll(cleanUp);

let s: Synthesized;

beforeAll(() => {
  s = synthProject(makeProject([ALPHA, BETA, GAMMA], ['web', 'dev']), { cfnValidation: false });
}, 120_000);

type Json = Record<string, unknown>;

/** Every Ref / Fn::GetAtt target named anywhere in `value`. */
function referenced(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referenced(v, found);
  else if (value && typeof value === 'object') {
    const obj = value as Json;
    if (typeof obj.Ref === 'string') found.add(obj.Ref);
    if (Array.isArray(obj['Fn::GetAtt'])) found.add(String((obj['Fn::GetAtt'] as unknown[])[0]));
    for (const v of Object.values(obj)) referenced(v, found);
  }
  return found;
}

function secretsOf(template: Template): string[] {
  return Object.keys(template.findResources('AWS::SecretsManager::Secret'));
}

function lambdaOf(fn: DestinationFunction): { template: Template; environment: Json; ownSecret: string; role: string } {
  const template = Template.fromStack(Stack.of(fn.handler));
  const props = resourcesOf(template, 'AWS::Lambda::Function')[logicalId(fn.handler)];
  return {
    template,
    environment: ((props.Environment as Json | undefined)?.Variables ?? {}) as Json,
    ownSecret: logicalId(fn.secret),
    role: logicalId(fn.handler.role! as unknown as Parameters<typeof logicalId>[0]),
  };
}

test('the project has three deployed functions, each in its own stack with its own secret, and source secrets in the main stack', () => {
  expect(s.stack.functions.map((f) => f.handler.node.path)).toHaveLength(3);
  expect(new Set(s.stack.functions.map((f) => Stack.of(f.handler)))).toHaveProperty('size', 3);
  for (const fn of s.stack.functions) expect(secretsOf(lambdaOf(fn).template)).toEqual([logicalId(fn.secret)]);
  expect(secretsOf(s.template).length).toBeGreaterThanOrEqual(2); // the sources' write keys
});

test("a destination Lambda's environment names its own secret and no other", () => {
  for (const fn of s.stack.functions) {
    const { template, environment, ownSecret } = lambdaOf(fn);
    const refs = referenced(environment);
    expect([...refs].filter((id) => secretsOf(template).includes(id))).toEqual([ownSecret]);
    const text = JSON.stringify(environment);
    expect(text).not.toMatch(/resolve:secretsmanager/i);
    expect(text).not.toContain(LOCAL_SECRET_MARKER);
    expect(text).not.toMatch(/writeKey|write_key/i);
  }
});

test('the nested stack of a function receives no secret from the main stack (no source secret, no other function\'s)', () => {
  const mainSecrets = secretsOf(s.template);
  const nested = resourcesOf(s.template, 'AWS::CloudFormation::Stack');
  expect(Object.keys(nested).length).toBeGreaterThanOrEqual(3);
  for (const [id, props] of Object.entries(nested)) {
    const refs = [...referenced(props.Parameters ?? {})];
    expect({ id, secrets: refs.filter((r) => mainSecrets.includes(r)) }).toEqual({ id, secrets: [] });
    // Nor another nested stack's outputs (where another function's secret would come from).
    expect({ id, fromOtherStacks: refs.filter((r) => r !== id && Object.keys(nested).includes(r)) }).toEqual({ id, fromOtherStacks: [] });
  }
});

test("a destination Lambda's role reads only its own secret", () => {
  for (const fn of s.stack.functions) {
    const { template, ownSecret, role } = lambdaOf(fn);
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => referenced(p.Roles).has(role))
      .flatMap((p) => (p.PolicyDocument as { Statement: Json[] }).Statement);
    const secretStatements = statements.filter((st) => [st.Action].flat().some((a) => String(a).startsWith('secretsmanager:')));
    expect(secretStatements.map((st) => ({ Action: st.Action, Resource: st.Resource }))).toEqual([
      { Action: 'secretsmanager:GetSecretValue', Resource: { Ref: ownSecret } },
    ]);
    // No wildcard grant that would reach other secrets.
    for (const st of statements) {
      const actions = [st.Action].flat().map(String);
      if (actions.some((a) => a === '*' || a.startsWith('secretsmanager:'))) expect(st.Resource).not.toBe('*');
    }
  }
});

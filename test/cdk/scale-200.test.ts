/**
 * 200 function folders (copies of the webhook example) synthesize into templates CloudFormation, IAM and Lambda
 * accept, counted with ARNs and names at their realistic length: resources, outputs and parameters per template,
 * template size, managed policies, each role's inline policies, each Lambda's environment.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { DestfnStack } from '../../lib/destfn-stack';
import { STACK_NAME } from '../../runtime/aws/contract';
import { FIXTURE_HANDLERS } from './project';
import { largest, LIMITS, measure, overLimits, type Measure } from './support/deploy-limits';
import { readAssembly, type AssemblyTemplate } from './support/realistic-values';
import { writeWebhookCopies } from './support/webhook-copies';

const FUNCTIONS = 200;

let dir: string;
let templates: AssemblyTemplate[];
let measures: Measure[];
let synthMs: number;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'destfn-scale-'));
  writeWebhookCopies(dir, FUNCTIONS);
  const started = Date.now();
  // Asset metadata (which file holds each nested template), as the CDK CLI asks for it.
  const app = new App({ outdir: join(dir, 'cdk.out'), builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-asset-metadata': true } });
  new DestfnStack(app, STACK_NAME, { projectDir: dir, functionsDir: join(dir, 'functions'), handlerEntries: FIXTURE_HANDLERS });
  app.synth();
  synthMs = Date.now() - started;
  templates = readAssembly(join(dir, 'cdk.out'), STACK_NAME);
  measures = measure(templates);
  const top = Object.entries(largest(measures)).map(([limit, m]) => `  ${limit}: ${m.value} of ${m.limit} (${m.where})`).join('\n');
  process.stdout.write(`scale-200: in-process synth of ${FUNCTIONS} functions ${synthMs} ms, ${templates.length} templates; largest:\n${top}\n`);
}, 180_000);

afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

test('one nested stack per function, the shared parts in the main stack', () => {
  expect(templates).toHaveLength(FUNCTIONS + 1);
  expect(templates[0].values.ofType('AWS::CloudFormation::Stack')).toHaveLength(FUNCTIONS);
  for (const t of templates.slice(1)) expect(t.values.ofType('AWS::Lambda::Function')).toHaveLength(1);
});

test.each(Object.keys(LIMITS) as Array<keyof typeof LIMITS>)('every template, policy, role and Lambda is within the %s limit', (limit) => {
  const of = measures.filter((m) => m.limit === limit);
  expect(of.length).toBeGreaterThan(0);
  expect(overLimits(of)).toEqual([]);
});

test('the ingest Lambda carries the 200-function routing table in its asset, not its environment', () => {
  const ingest = measures.find((m) => m.limit === 'lambdaEnvironmentBytes' && m.where.startsWith(`${STACK_NAME}/Ingest`))!;
  expect(ingest.value).toBeLessThan(1024);
});

test('the checks see an excess: a policy, a role, an environment and a template over their limits are each named', () => {
  const big = 'x'.repeat(7_000);
  const template: AssemblyTemplate = readAssemblyLike({
    Resources: {
      Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: big }] } } },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Inline: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Resource: big + big }] } } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { ROUTES: 'y'.repeat(5_000) } } } },
    },
  }, 2_000_000);
  expect(overLimits(measure([template]))).toEqual([
    'T: templateBytes 2000000 > 1048576',
    expect.stringMatching(/^T\/Managed: managedPolicyChars \d+ > 6144$/),
    expect.stringMatching(/^T\/Role: roleInlineChars \d+ > 10240$/),
    'T/Fn: lambdaEnvironmentBytes 5006 > 4096',
  ]);
});

/** A one-template assembly from a literal template, its resources named "<logical id>". */
function readAssemblyLike(template: object, bytes: number): AssemblyTemplate {
  const probe = mkdtempSync(join(tmpdir(), 'destfn-limits-'));
  try {
    writeFileSync(join(probe, 'T.template.json'), JSON.stringify(template));
    const [t] = readAssembly(probe, 'T');
    return { ...t, bytes };
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

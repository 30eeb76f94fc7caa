/** Adding a folder under functions/ and synthesizing again adds that function's resources and edits nothing else. */
import { join } from 'node:path';
import { ALPHA, BETA, GAMMA, addFunction, makeProject, resourcesOf, synthProject, type Synthesized, cleanUp } from './project';
import { flatten, logicalId } from './template-values';

afterAll(cleanUp);

let two: Synthesized;
let three: Synthesized;

beforeAll(() => {
  const project = makeProject([ALPHA, BETA]);
  two = synthProject(project, { cfnValidation: false, outdir: join(project, 'cdk.out.two') });
  addFunction(project, GAMMA);
  three = synthProject(project, { cfnValidation: false, outdir: join(project, 'cdk.out.three') });
}, 60_000);

const functionLambdas = (s: Synthesized) => Object.values(resourcesOf(s.template, 'AWS::Lambda::Function'))
  .filter((fn) => JSON.stringify(fn.Environment).includes('DESTFN_FUNCTION_NAME'));

test('2 folders ⇒ 2 of each; a third folder ⇒ 3 of each (plus ingest Lambda and source secret)', () => {
  for (const [s, n] of [[two, 2], [three, 3]] as const) {
    s.template.resourceCountIs('AWS::SQS::Queue', 2 * n);
    s.template.resourceCountIs('AWS::Lambda::Function', n + 1);
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', n);
    s.template.resourceCountIs('AWS::SecretsManager::Secret', n + 1); // + the default "dev" source
    s.template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    expect(functionLambdas(s)).toHaveLength(n);
  }
  expect(three.stack.functions.map((fn) => fn.name)).toEqual(['alpha', 'beta-notify', 'gamma']);
});

test('the layer is attached to every function Lambda, including the new one', () => {
  const layerId = Object.keys(three.template.findResources('AWS::Lambda::LayerVersion'))[0];
  for (const fn of functionLambdas(three)) expect(fn.Layers).toEqual([{ Ref: layerId }]);
});

test("the new function's queue, Lambda and mapping follow its function.json", () => {
  const gamma = three.stack.functions[2];
  const queues = resourcesOf(three.template, 'AWS::SQS::Queue');
  const lambda = resourcesOf(three.template, 'AWS::Lambda::Function')[logicalId(gamma.handler)];
  expect(lambda.Timeout).toBe(125); // timeoutSeconds 30 × 4 rounds (a batch of 100, 25 at a time) + 5 s margin
  expect(queues[logicalId(gamma.queue)].VisibilityTimeout).toBe(6 * 125 + 1); // + the 1 s batching window
  expect((queues[logicalId(gamma.queue)].RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(3);
  three.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    FunctionName: { Ref: logicalId(gamma.handler) },
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: 2 }, // maxConcurrency 50 = 2 invocations × 25 records
  });
  const outputs = Object.keys(three.template.toJSON().Outputs as object);
  expect(outputs).toEqual(expect.arrayContaining(['GammaQueueUrl', 'GammaDlqUrl', 'GammaDlqArn', 'GammaSecretArn', 'GammaLogGroup']));
  const ingest = resourcesOf(three.template, 'AWS::Lambda::Function')[logicalId(three.stack.ingest.handler)];
  const routing = JSON.parse(flatten((ingest.Environment as { Variables: Record<string, unknown> }).Variables.DESTFN_FUNCTIONS));
  expect(routing.map((entry: { name: string }) => entry.name)).toEqual(['alpha', 'beta-notify', 'gamma']);
});

test('every existing resource is unchanged except the ingest routing table and the access policies', () => {
  const before = two.template.toJSON().Resources as Record<string, unknown>;
  const after = three.template.toJSON().Resources as Record<string, unknown>;
  const ingestHandler = logicalId(two.stack.ingest.handler);
  const changed = Object.keys(before).filter((id) => JSON.stringify(before[id]) !== JSON.stringify(after[id]));
  expect(changed.sort()).toEqual([
    'AccessDeployers', 'AccessOperators', ingestHandler, 'IngestRoleDefaultPolicy',
  ].map((prefix) => Object.keys(before).find((id) => id.startsWith(prefix)) as string).sort());
});

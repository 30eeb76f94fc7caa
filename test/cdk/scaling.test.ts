/** Adding a folder under functions/ and synthesizing again adds that function's nested stack and edits nothing else. */
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { functionStackLogicalId } from '../../runtime/aws/contract';
import { ALPHA, BETA, GAMMA, addFunction, makeProject, resourcesOf, synthProject, type Synthesized, cleanUp } from './project';
import { logicalId } from './template-values';

afterAll(cleanUp);

let two: Synthesized;
let three: Synthesized;

beforeAll(() => {
  const project = makeProject([ALPHA, BETA], ['web']);
  two = synthProject(project, { cfnValidation: false, outdir: join(project, 'cdk.out.two') });
  addFunction(project, GAMMA);
  three = synthProject(project, { cfnValidation: false, outdir: join(project, 'cdk.out.three') });
}, 60_000);

const functionTemplates = (s: Synthesized) => Object.fromEntries(s.stack.functionStacks.map((stack) => [stack.function.name, Template.fromStack(stack)]));

test('2 folders ⇒ 2 nested stacks; a third folder ⇒ 3 (the ingest Lambda, layer and source secret stay one each)', () => {
  for (const [s, n] of [[two, 2], [three, 3]] as const) {
    s.template.resourceCountIs('AWS::CloudFormation::Stack', n);
    s.template.resourceCountIs('AWS::Lambda::Function', 1);
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 1); // the one source, "web"
    s.template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    for (const t of Object.values(functionTemplates(s))) {
      t.resourceCountIs('AWS::SQS::Queue', 2);
      t.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    }
  }
  expect(three.stack.functions.map((fn) => fn.name)).toEqual(['alpha', 'beta-notify', 'gamma']);
});

test('the layer is attached to every function Lambda, including the new one', () => {
  const layerId = Object.keys(three.template.findResources('AWS::Lambda::LayerVersion'))[0];
  const stacks = resourcesOf(three.template, 'AWS::CloudFormation::Stack');
  for (const stack of three.stack.functionStacks) {
    const [fn] = Object.values(resourcesOf(Template.fromStack(stack), 'AWS::Lambda::Function'));
    const [parameter] = (fn.Layers as Array<{ Ref: string }>).map((layer) => layer.Ref);
    expect((stacks[functionStackLogicalId(stack.function.name)].Parameters as Record<string, unknown>)[parameter]).toEqual({ Ref: layerId });
  }
});

test("the new function's queue, Lambda and mapping follow its function.json", () => {
  const gamma = three.stack.functions[2];
  const t = functionTemplates(three).gamma;
  const queues = resourcesOf(t, 'AWS::SQS::Queue');
  const lambda = resourcesOf(t, 'AWS::Lambda::Function')[logicalId(gamma.handler)];
  // timeoutSeconds 30 × 12 rounds (a batch of 7 messages of up to 16 events, 10 at a time) + 5 s margin
  expect(lambda.Timeout).toBe(365);
  expect(queues[logicalId(gamma.queue)].VisibilityTimeout).toBe(6 * 365 + 1); // + the 1 s batching window
  expect((queues[logicalId(gamma.queue)].RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(3);
  t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    // The live alias (lib/destination-function.ts), written as "<function name>:live".
    FunctionName: { 'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: logicalId(gamma.live) }] }] }, ':live']] },
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: 5 }, // maxConcurrency 50 = 5 invocations × 10 records
  });
  expect(Object.keys(t.toJSON().Outputs as object).sort()).toEqual(['DlqArn', 'DlqUrl', 'LogGroup', 'QueueUrl', 'SecretArn']);
});

test("adding a folder: one new nested stack, the ingest Lambda's code (its routing table); no other resource or function template changes", () => {
  const before = two.template.toJSON().Resources as Record<string, unknown>;
  const after = three.template.toJSON().Resources as Record<string, unknown>;
  expect(Object.keys(after).filter((id) => !(id in before))).toEqual(['FunctionGamma']);
  const changed = Object.keys(before).filter((id) => JSON.stringify(before[id]) !== JSON.stringify(after[id]));
  expect(changed).toEqual([logicalId(two.stack.ingest.handler)]);
  const ingest = (r: Record<string, unknown>) => JSON.stringify({ ...(r[logicalId(two.stack.ingest.handler)] as { Properties: object }).Properties, Code: null });
  expect(ingest(after)).toBe(ingest(before)); // only its code asset differs
  const [old, now] = [functionTemplates(two), functionTemplates(three)];
  for (const name of ['alpha', 'beta-notify']) expect(JSON.stringify(now[name].toJSON())).toBe(JSON.stringify(old[name].toJSON()));
  expect(three.template.toJSON().Outputs).toEqual(two.template.toJSON().Outputs);
});

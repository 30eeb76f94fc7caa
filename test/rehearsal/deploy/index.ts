/**
 * `cdk deploy` played onto the local AWS plane: every resource of the synthesized template that destfn's
 * code touches is created from the template's own properties (queues with their redrive, visibility and
 * retention; queue policies; the table; secrets; log groups; roles with their policies), then each Lambda is
 * laid out and run as Lambda would, the HTTP API and the SQS event source mappings are played from the
 * template, and the stack's outputs are published for `destfn … --aws` (DescribeStacks).
 */
import type { HttpApi } from '../api-gateway';
import type { AwsPlane, PolicyDocument } from '../aws-plane';
import { startEventSource, type EventSourceMapping } from '../event-source';
import type { LambdaFunction } from '../lambda/lambda-function';
import type { CloudAssembly } from '../synth';
import { TemplateValues } from '../template';
import { apiUrlOutputs, startApi } from './http-api';
import { createLambda } from './lambdas';
import { keyOf, nestedTemplates, stackArn, type DeployedTemplate } from './nested-stacks';
import { createResources, queueUrlOf } from './resources';
import { collectRolePolicies, roleOf } from './roles';

export interface DeployedStack {
  /** The main stack's template. */
  values: TemplateValues;
  /** The main stack and its nested stacks. */
  templates: DeployedTemplate[];
  outputs: Record<string, string>;
  /** By logical id in the main stack, "<nested stack id>/<logical id>" in a nested stack. */
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
  const stackId = stackArn({ region, accountId, stackName });
  const values = new TemplateValues(assembly.template, { region, accountId, stackName, stackId });
  await createResources(values, plane);
  const main: DeployedTemplate = { values, nestedId: null };
  const nested = nestedTemplates(values, assembly);
  for (const template of nested) {
    await createResources(template.values, plane);
    values.set(template.nestedId!, { ref: template.values.deployment.stackId, attributes: {} });
  }
  const templates = [main, ...nested];

  // Principals and Lambdas are keyed over all templates: nested stacks repeat each other's logical ids.
  const roleCredentials = new Map<string, Record<string, string>>();
  for (const template of templates) {
    for (const [roleId, policies] of collectRolePolicies(template.values)) {
      const role = template.values.get(roleId).ref;
      roleCredentials.set(keyOf(template, roleId), plane.addPrincipal({
        name: keyOf(template, roleId),
        arn: `arn:aws:sts::${accountId}:assumed-role/${role}/rehearsal`,
        policies,
      }));
    }
  }

  const logDenials: string[] = [];
  const lambdas = new Map<string, LambdaFunction>();
  const layers = templates.flatMap((template) => template.values.ofType('AWS::Lambda::LayerVersion').map((id) => ({ template, id })));
  for (const template of templates) {
    for (const id of template.values.ofType('AWS::Lambda::Function')) {
      lambdas.set(keyOf(template, id), createLambda(id, template, layers, assembly, plane, workDir, roleCredentials, logDenials));
    }
  }

  const api = await startApi(values, lambdas, accountId, region);
  const eventSources = templates.flatMap((template) => template.values.ofType('AWS::Lambda::EventSourceMapping').map((id) => {
    const { values: stack } = template;
    const props = stack.properties(id);
    const queueArn = stack.string(props.EventSourceArn);
    const fnId = stack.logicalIdOf('AWS::Lambda::Function', functionOf(stack, stack.string(props.FunctionName)));
    const credentials = roleCredentials.get(keyOf(template, roleOf(stack, fnId)))!;
    const batchSize = Number(props.BatchSize ?? 10);
    const maximumConcurrency = Number((props.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 5);
    const mapping = startEventSource({
      queueUrl: queueUrlOf(stack, queueArn),
      queueArn,
      batchSize,
      maximumConcurrency,
      reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
      region,
      endpoint: plane.endpoint,
      credentials: {
        accessKeyId: credentials.AWS_ACCESS_KEY_ID, secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY, sessionToken: credentials.AWS_SESSION_TOKEN,
      },
    }, lambdas.get(keyOf(template, fnId))!);
    plane.lambda.addEventSourceMapping({
      eventSourceArn: queueArn, functionArn: `arn:aws:lambda:${region}:${accountId}:function:${stack.string(props.FunctionName)}`,
      batchSize, maximumConcurrency, poller: mapping,
    });
    return mapping;
  }));

  const outputs = { ...values.outputs(), ...apiUrlOutputs(values, api.url) };
  plane.cloudformation.setStack(stackName, outputs, stackId, values.ofType('AWS::CloudFormation::Stack').map((id) => ({
    logicalId: id, physicalId: values.get(id).ref, type: 'AWS::CloudFormation::Stack',
  })));
  for (const { values: stack } of nested) plane.cloudformation.setStack(stack.deployment.stackName, stack.outputs(), stack.deployment.stackId);

  return {
    values,
    templates,
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

/** An event source mapping's FunctionName: the function itself, or an alias of it (`live`), whose function it is. */
function functionOf(stack: TemplateValues, target: string): string {
  // CDK names an alias's function `<function name>:<alias>`; Ref gives its ARN.
  const alias = stack.ofType('AWS::Lambda::Alias').find((id) => {
    const props = stack.properties(id);
    return stack.get(id).ref === target || `${stack.string(props.FunctionName)}:${stack.string(props.Name)}` === target;
  });
  return alias === undefined ? target : stack.string(stack.properties(alias).FunctionName);
}

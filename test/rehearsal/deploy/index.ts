/**
 * `cdk deploy` played onto the local AWS plane: every resource of the synthesized template that destfn's
 * code touches is created from the template's own properties (queues with their redrive, visibility and
 * retention; queue policies; the table; secrets; log groups; roles with their policies), then each Lambda is
 * laid out and run as Lambda would, the HTTP API and the SQS event source mappings are played from the
 * template, and the stack's outputs are published for `destfn … --aws` (DescribeStacks).
 */
import { randomUUID } from 'node:crypto';
import type { HttpApi } from '../api-gateway';
import type { AwsPlane, PolicyDocument } from '../aws-plane';
import { startEventSource, type EventSourceMapping } from '../event-source';
import type { LambdaFunction } from '../lambda/lambda-function';
import type { CloudAssembly } from '../synth';
import { TemplateValues } from '../template';
import { apiUrlOutputs, startApi } from './http-api';
import { createLambda } from './lambdas';
import { createResources, queueUrlOf } from './resources';
import { collectRolePolicies, roleOf } from './roles';

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
  await createResources(values, plane);

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
    const fnId = values.logicalIdOf('AWS::Lambda::Function', values.string(props.FunctionName));
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

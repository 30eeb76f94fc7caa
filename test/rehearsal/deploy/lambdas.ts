/** One synthesized Lambda laid out and run as Lambda would, writing its output to its log group with its role. */
import { join } from 'node:path';
import type { AwsPlane } from '../aws-plane';
import { layOutLambda } from '../lambda/layout';
import { LambdaFunction } from '../lambda/lambda-function';
import type { CloudAssembly } from '../synth';
import { keyOf, type DeployedTemplate } from './nested-stacks';
import { roleOf } from './roles';

function assetPath(assembly: CloudAssembly, template: DeployedTemplate, id: string): string {
  const path = template.values.template.Resources[id].Metadata?.['aws:asset:path'];
  if (typeof path !== 'string') throw new Error(`${id} has no aws:asset:path metadata`);
  return join(assembly.dir, path);
}

/** `layers`: every layer of the main and nested stacks (a function names a layer of the main stack by its ARN). */
export function createLambda(id: string, template: DeployedTemplate, layers: ReadonlyArray<{ template: DeployedTemplate; id: string }>,
  assembly: CloudAssembly, plane: AwsPlane, workDir: string, roleCredentials: Map<string, Record<string, string>>, logDenials: string[]): LambdaFunction {
  const { values } = template;
  const props = values.properties(id);
  if (props.Runtime !== 'nodejs22.x') throw new Error(`${id}: runtime ${String(props.Runtime)} is not the one rehearsed (nodejs22.x)`);
  const layerAssets = ((values.resolve(props.Layers ?? []) as string[])).map((arn) => {
    const layer = layers.find((l) => l.template.values.get(l.id).ref === arn);
    if (!layer) throw new Error(`${id}: no layer ${arn} in the stack`);
    return assetPath(assembly, layer.template, layer.id);
  });
  const fs = layOutLambda(join(workDir, keyOf(template, id).replace('/', '-')), assetPath(assembly, template, id), layerAssets);
  const functionName = values.get(id).ref;
  const logGroup = (props.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup !== undefined
    ? values.string((props.LoggingConfig as { LogGroup: unknown }).LogGroup)
    : `/aws/lambda/${functionName}`;
  const roleId = keyOf(template, roleOf(values, id));
  const environment = values.resolve((props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<string, string>;
  const streams = new Set<string>();
  let written = Promise.resolve();
  return new LambdaFunction({
    functionName,
    functionArn: values.get(id).attributes.Arn,
    handler: String(props.Handler),
    timeoutSeconds: Number(props.Timeout ?? 3),
    memoryMb: Number(props.MemorySize ?? 128),
    fs,
    environment,
    region: plane.region,
    logGroup,
    credentials: roleCredentials.get(roleId)!,
    awsEndpoint: plane.endpoint,
    onLog(stream, line) {
      // Lambda writes a function's output with its execution role: CreateLogStream once, then PutLogEvents.
      // The checks are async; one chain keeps the lines in order.
      written = written.then(async () => {
        const streamArn = plane.arns.logStream(logGroup, stream);
        const actions = streams.has(stream) ? ['logs:PutLogEvents'] : ['logs:CreateLogStream', 'logs:PutLogEvents'];
        for (const action of actions) {
          const decision = await plane.authorize(roleId, action, streamArn);
          if (!decision.allowed) {
            logDenials.push(`${roleId} may not ${action} on ${streamArn}`);
            return;
          }
        }
        streams.add(stream);
        plane.logs.put(logGroup, stream, [line]);
      });
    },
  });
}


/**
 * The stack and its nested stacks as deployed templates. A nested stack (AWS::CloudFormation::Stack) is read from
 * its template file in the cloud assembly (the resource's aws:asset:path), gets the parameter values the parent
 * passes, and a name as CloudFormation gives it: "<parent>-<logical id>-<suffix>".
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudAssembly } from '../synth';
import { TemplateValues, type CfnTemplate, type Deployment } from '../template';

export interface DeployedTemplate {
  values: TemplateValues;
  /** The logical id of its AWS::CloudFormation::Stack in the main stack; null for the main stack. */
  nestedId: string | null;
}

/** A key unique over all templates: the logical id in the main stack, "<nested id>/<logical id>" in a nested one. */
export function keyOf(template: DeployedTemplate, logicalId: string): string {
  return template.nestedId === null ? logicalId : `${template.nestedId}/${logicalId}`;
}

export function stackArn(deployment: Omit<Deployment, 'stackId'>): string {
  return `arn:aws:cloudformation:${deployment.region}:${deployment.accountId}:stack/${deployment.stackName}/${randomUUID()}`;
}

/** The nested stacks of `main`, their parameters resolved with the main stack's values (deploy those first). */
export function nestedTemplates(main: TemplateValues, assembly: CloudAssembly): DeployedTemplate[] {
  return main.ofType('AWS::CloudFormation::Stack').map((id) => {
    const path = main.template.Resources[id].Metadata?.['aws:asset:path'];
    if (typeof path !== 'string') throw new Error(`nested stack ${id} has no aws:asset:path metadata`);
    const template = JSON.parse(readFileSync(join(assembly.dir, path), 'utf8')) as CfnTemplate;
    const parameters = main.resolve(main.properties(id).Parameters ?? {}) as Record<string, string>;
    const { region, accountId, stackName } = main.deployment;
    const nestedName = `${stackName}-${id}-${randomBytes(6).toString('hex').toUpperCase()}`;
    const deployment = { region, accountId, stackName: nestedName, stackId: stackArn({ region, accountId, stackName: nestedName }) };
    return { values: new TemplateValues(template, deployment, parameters), nestedId: id };
  });
}

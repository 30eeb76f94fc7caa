/** Reading synthesized stacks in tests: CloudFormation values, logical ids, acknowledgements, files. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** `ref:<LogicalId>` for Ref, `att:<LogicalId>.<Attr>` for Fn::GetAtt, strings joined. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.Ref === 'string') return `ref:${obj.Ref}`;
    if (Array.isArray(obj['Fn::GetAtt'])) return `att:${(obj['Fn::GetAtt'] as string[]).join('.')}`;
    if (Array.isArray(obj['Fn::Join'])) {
      const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

/** The logical id of a construct's CloudFormation resource (an L2 construct's default child). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** Every cdk-nag finding acknowledged in the tree: rule id and reason. */
export function collectAcknowledgements(root: IConstruct): Array<{ id: string; reason: string }> {
  const found: Array<{ id: string; reason: string }> = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ id: key.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Each role's policies as the template attaches them: inline, AWS::IAM::Policy by Roles, managed by ARN or by Roles. */
import type { PolicyDocument } from '../aws-plane';
import type { TemplateValues } from '../template';

/** Inline policies (AWS::IAM::Policy attached by Roles, and the role's own Policies) and managed policies of each role. */
export function collectRolePolicies(values: TemplateValues): Map<string, Array<{ name: string; document: PolicyDocument }>> {
  const byRole = new Map<string, Array<{ name: string; document: PolicyDocument }>>();
  for (const id of values.ofType('AWS::IAM::Role')) {
    const props = values.properties(id);
    const inline = ((props.Policies as Array<{ PolicyName: string; PolicyDocument: unknown }> | undefined) ?? [])
      .map((p) => ({ name: p.PolicyName, document: values.resolve(p.PolicyDocument) as PolicyDocument }));
    const managed = ((values.resolve(props.ManagedPolicyArns ?? []) as string[])).map((arn) => {
      const policyId = values.ofType('AWS::IAM::ManagedPolicy').find((p) => values.get(p).ref === arn);
      if (!policyId) throw new Error(`role ${id} attaches managed policy ${arn}, which the rehearsal does not know`);
      return { name: policyId, document: values.resolve(values.properties(policyId).PolicyDocument) as PolicyDocument };
    });
    byRole.set(id, [...inline, ...managed]);
  }
  for (const id of values.ofType('AWS::IAM::Policy')) {
    const props = values.properties(id);
    const document = values.resolve(props.PolicyDocument) as PolicyDocument;
    for (const roleName of values.resolve(props.Roles ?? []) as string[]) {
      const roleId = values.logicalIdOf('AWS::IAM::Role', roleName);
      byRole.get(roleId)!.push({ name: String(props.PolicyName ?? id), document });
    }
  }
  for (const id of values.ofType('AWS::IAM::ManagedPolicy')) {
    const props = values.properties(id);
    for (const roleName of values.resolve(props.Roles ?? []) as string[]) {
      byRole.get(values.logicalIdOf('AWS::IAM::Role', roleName))!.push({ name: id, document: values.resolve(props.PolicyDocument) as PolicyDocument });
    }
  }
  return byRole;
}

export function roleOf(values: TemplateValues, functionId: string): string {
  return values.logicalIdOf('AWS::IAM::Role', values.string(values.properties(functionId).Role));
}


/**
 * What CloudFormation, IAM and Lambda refuse at deploy time, counted on a synthesized assembly read with realistic
 * values (./realistic-values.ts). Each finding names the limit, where, and by how much.
 */
import type { AssemblyTemplate } from './realistic-values';

export const LIMITS = {
  /** CloudFormation: resources per template. */
  resources: 500,
  /** CloudFormation: outputs per template. */
  outputs: 200,
  /** CloudFormation: parameters per template. */
  parameters: 200,
  /** CloudFormation: template body in S3 (CDK uploads every template as an asset), bytes. */
  templateBytes: 1_048_576,
  /** IAM: a managed policy document, characters (whitespace not counted). */
  managedPolicyChars: 6_144,
  /** IAM: all inline policies of one role together, characters (whitespace not counted). */
  roleInlineChars: 10_240,
  /** Lambda: environment variables, keys and values together, bytes. */
  lambdaEnvironmentBytes: 4_096,
} as const;

export interface Measure { limit: keyof typeof LIMITS; where: string; value: number }

/** Every measured quantity, one per template, policy, role and Lambda. */
export function measure(templates: readonly AssemblyTemplate[]): Measure[] {
  const out: Measure[] = [];
  for (const t of templates) {
    const { values } = t;
    out.push(
      { limit: 'resources', where: t.path, value: Object.keys(values.template.Resources).length },
      { limit: 'outputs', where: t.path, value: Object.keys(values.template.Outputs ?? {}).length },
      { limit: 'parameters', where: t.path, value: Object.keys(values.template.Parameters ?? {}).length },
      { limit: 'templateBytes', where: t.path, value: t.bytes },
    );
    for (const id of values.ofType('AWS::IAM::ManagedPolicy')) {
      out.push({ limit: 'managedPolicyChars', where: `${t.path}/${id}`, value: JSON.stringify(values.resolve(values.properties(id).PolicyDocument)).length });
    }
    const inline = new Map<string, number>();
    for (const id of values.ofType('AWS::IAM::Policy')) {
      const props = values.properties(id);
      const chars = JSON.stringify(values.resolve(props.PolicyDocument)).length;
      for (const role of values.resolve(props.Roles ?? []) as string[]) inline.set(role, (inline.get(role) ?? 0) + chars);
    }
    for (const id of values.ofType('AWS::IAM::Role')) {
      const own = (values.properties(id).Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? [];
      const chars = own.reduce((n, p) => n + JSON.stringify(values.resolve(p.PolicyDocument)).length, 0) + (inline.get(values.get(id).ref) ?? 0);
      out.push({ limit: 'roleInlineChars', where: `${t.path}/${id}`, value: chars });
    }
    for (const id of values.ofType('AWS::Lambda::Function')) {
      const variables = values.resolve((values.properties(id).Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<string, string>;
      const bytes = Object.entries(variables).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
      out.push({ limit: 'lambdaEnvironmentBytes', where: `${t.path}/${id}`, value: bytes });
    }
  }
  return out;
}

/** The measures over their limit, as sentences. */
export function overLimits(measures: readonly Measure[]): string[] {
  return measures.filter((m) => m.value > LIMITS[m.limit])
    .map((m) => `${m.where}: ${m.limit} ${m.value} > ${LIMITS[m.limit]}`);
}

/** The largest value of each limit, and where. */
export function largest(measures: readonly Measure[]): Record<string, { value: number; where: string; limit: number }> {
  const out: Record<string, { value: number; where: string; limit: number }> = {};
  for (const m of measures) if (!out[m.limit] || m.value > out[m.limit].value) out[m.limit] = { value: m.value, where: m.where, limit: LIMITS[m.limit] };
  return out;
}

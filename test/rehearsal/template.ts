/**
 * A synthesized CloudFormation template read as CloudFormation would deploy it: every resource gets a
 * physical name, and values (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split) resolve to them. A nested
 * stack's template gets the values its parent passes to its Parameters.
 */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

/** What a deployed resource answers to Ref and to Fn::GetAtt. */
export interface PhysicalResource {
  ref: string;
  attributes: Record<string, string>;
}

export interface Deployment {
  region: string;
  accountId: string;
  stackName: string;
  stackId: string;
}

export class TemplateValues {
  private readonly physical = new Map<string, PhysicalResource>();

  constructor(readonly template: CfnTemplate, readonly deployment: Deployment, private readonly parameters: Record<string, string> = {}) {
    const missing = Object.entries(template.Parameters ?? {}).filter(([name, p]) => !(name in parameters) && p.Default === undefined).map(([name]) => name);
    if (missing.length > 0) throw new Error(`${deployment.stackName}: no value for the parameters ${missing.join(', ')}`);
  }

  set(logicalId: string, resource: PhysicalResource): void {
    if (!this.template.Resources[logicalId]) throw new Error(`no resource ${logicalId} in the template`);
    this.physical.set(logicalId, resource);
  }

  get(logicalId: string): PhysicalResource {
    const found = this.physical.get(logicalId);
    if (!found) throw new Error(`resource ${logicalId} (${this.template.Resources[logicalId]?.Type ?? 'unknown'}) is not deployed yet`);
    return found;
  }

  /** The logical ids of every resource of one type, in template order. */
  ofType(type: string): string[] {
    return Object.entries(this.template.Resources).filter(([, r]) => r.Type === type).map(([id]) => id);
  }

  /** The resource of `type` whose Ref or Arn is `ref`. */
  logicalIdOf(type: string, ref: string): string {
    const found = this.ofType(type).find((id) => this.get(id).ref === ref || this.get(id).attributes.Arn === ref);
    if (!found) throw new Error(`no ${type} answers to ${ref}`);
    return found;
  }

  properties(logicalId: string): Record<string, unknown> {
    return this.template.Resources[logicalId].Properties ?? {};
  }

  /** A template value with every intrinsic function resolved (objects and arrays recursively). */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return this.intrinsic(keys[0], obj[keys[0]]);
    return Object.fromEntries(keys.map((k) => [k, this.resolve(obj[k])]));
  }

  string(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  /** The stack's outputs, resolved. */
  outputs(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.template.Outputs ?? {}).map(([k, o]) => [k, this.string(o.Value)]));
  }

  private intrinsic(name: string, arg: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/s);
        const value = this.get(id).attributes[attribute];
        if (value === undefined) throw new Error(`Fn::GetAtt ${id}.${attribute}: attribute not played by the rehearsal`);
        return value;
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (this.resolve(parts) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number | string, unknown];
        return (this.resolve(list) as unknown[])[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, unknown];
        return this.string(text).split(separator);
      }
      case 'Fn::Sub': {
        const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
        return text.replace(/\$\{([^}!]+)\}/g, (_m, key: string) => {
          if (key in vars) return this.string(vars[key]);
          return key.includes('.') ? this.string({ 'Fn::GetAtt': key.split(/\.(.*)/s).slice(0, 2) }) : this.ref(key);
        });
      }
      default:
        throw new Error(`${name} is not played by the rehearsal`);
    }
  }

  private ref(id: string): string {
    const { region, accountId, stackName, stackId } = this.deployment;
    const pseudo: Record<string, string> = {
      'AWS::Region': region, 'AWS::AccountId': accountId, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName, 'AWS::StackId': stackId, 'AWS::NoValue': '',
    };
    if (id in pseudo) return pseudo[id];
    if (id in this.parameters) return this.parameters[id];
    return this.get(id).ref;
  }
}

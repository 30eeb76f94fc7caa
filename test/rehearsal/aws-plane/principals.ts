/**
 * The IAM principals the plane knows (Lambda execution roles, the Operators and Deployers policies' holders) and
 * the temporary credentials each one signs with, as STS would hand out for a role session.
 */
import { randomBytes } from 'node:crypto';

export interface PolicyDocument { Version?: string; Statement: unknown }

export interface PlanePrincipal {
  /** Short name used in decisions and failure messages (e.g. the role's logical name or "Operators"). */
  name: string;
  /**
   * The role ARN (arn:aws:iam::<account>:role/<name>), a role session ARN
   * (arn:aws:sts::<account>:assumed-role/<name>/<session>) or a user ARN.
   */
  arn: string;
  /** Inline and managed policies, already resolved to plain JSON. */
  policies: Array<{ name: string; document: PolicyDocument }>;
  /** Role session name in the caller ARN when `arn` is a role ARN (default: name). */
  sessionName?: string;
}

// A type (not an interface) so that it is assignable to Record<string, string> (e.g. a process environment).
export type PlaneCredentials = {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN: string;
};

export interface Principal extends PlanePrincipal {
  /** The ARN AWS names the caller by: arn:aws:sts::<account>:assumed-role/<role>/<session> for a role. */
  callerArn: string;
  /** aws:PrincipalArn: the role ARN for a role session, else the caller ARN. */
  principalArn: string;
  credentials: PlaneCredentials;
}

export class PrincipalRegistry {
  private readonly byKey = new Map<string, Principal>();
  private readonly byNameMap = new Map<string, Principal>();

  constructor(private readonly accountId: string) {}

  add(principal: PlanePrincipal): PlaneCredentials {
    if (this.byNameMap.has(principal.name)) throw new Error(`principal "${principal.name}" is already registered`);
    const credentials: PlaneCredentials = {
      AWS_ACCESS_KEY_ID: `ASIA${randomKeyChars(16)}`,
      AWS_SECRET_ACCESS_KEY: randomBytes(30).toString('base64'),
      AWS_SESSION_TOKEN: randomBytes(48).toString('base64'),
    };
    const entry: Principal = { ...principal, ...arnsOf(principal, this.accountId), credentials };
    this.byKey.set(credentials.AWS_ACCESS_KEY_ID, entry);
    this.byNameMap.set(principal.name, entry);
    return credentials;
  }

  byAccessKey(accessKeyId: string): Principal | undefined {
    return this.byKey.get(accessKeyId);
  }

  byName(name: string): Principal {
    const principal = this.byNameMap.get(name);
    if (!principal) throw new Error(`no principal named "${name}" (known: ${[...this.byNameMap.keys()].join(', ') || 'none'})`);
    return principal;
  }
}

function arnsOf(principal: PlanePrincipal, accountId: string): { callerArn: string; principalArn: string } {
  const role = /^arn:aws:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(principal.arn);
  if (role) return { callerArn: `arn:aws:sts::${accountId}:assumed-role/${role[1]}/${principal.sessionName ?? principal.name}`, principalArn: principal.arn };
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(principal.arn);
  if (session) return { callerArn: principal.arn, principalArn: `arn:aws:iam::${session[1]}:role/${session[2]}` };
  return { callerArn: principal.arn, principalArn: principal.arn };
}

function randomKeyChars(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

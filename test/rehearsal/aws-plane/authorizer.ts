/**
 * IAM decisions with @cloud-copilot/iam-simulate: the principal's identity policies plus the resource policy
 * registered for the resource ARN, same account (either may allow, an explicit Deny wins). Every decision is
 * recorded, with the message AWS would answer a denied call with.
 */
import { getDenialReasons, getGrantReasons, runSimulation, type RunSimulationResults } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument, Principal } from './principals';

export type ContextValues = Record<string, string | string[]>;

/** One thing IAM must allow for a call to proceed. */
export interface IamRequest {
  action: string;
  resource: string;
  /** Request-specific condition keys (e.g. dynamodb:LeadingKeys); the global ones are added by the authorizer. */
  context?: ContextValues;
  /** The resource as the service names it in its AccessDenied message, when not the ARN (Secrets Manager echoes SecretId). */
  shownResource?: string;
}

export interface Decision {
  /** PlanePrincipal.name */
  principal: string;
  /** The ARN AWS names the caller by (assumed-role session ARN for a role). */
  callerArn: string;
  /** The API operation that needed it (e.g. SendMessageBatch), or what authorize() was told. */
  operation: string;
  action: string;
  resource: string;
  allowed: boolean;
  /** Which statement allowed it, or why it was denied. */
  reason: string;
  /** Denied: the message AWS answers with ("User: … is not authorized to perform: …"). Allowed: "". */
  message: string;
}

export class Authorizer {
  readonly decisions: Decision[] = [];
  private readonly resourcePolicies = new Map<string, PolicyDocument>();

  constructor(private readonly accountId: string, private readonly region: string) {}

  setResourcePolicy(arn: string, document: PolicyDocument): void {
    this.resourcePolicies.set(arn, document);
  }

  /** Evaluates and records one request. */
  async evaluate(principal: Principal, operation: string, request: IamRequest, region = this.region): Promise<Decision> {
    const resourcePolicy = this.resourcePolicies.get(request.resource);
    const outcome = await runSimulation({
      request: {
        principal: principal.callerArn,
        action: request.action,
        resource: { resource: request.resource, accountId: this.accountId },
        contextVariables: { ...this.globalContext(principal, region), ...request.context },
      },
      identityPolicies: principal.policies.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
    }, {});
    const { allowed, reason, denial } = interpret(outcome);
    const decision: Decision = {
      principal: principal.name,
      callerArn: principal.callerArn,
      operation,
      action: request.action,
      resource: request.resource,
      allowed,
      reason,
      message: allowed ? '' : deniedMessage(principal.callerArn, request, denial),
    };
    this.decisions.push(decision);
    return decision;
  }

  /** The global condition keys a signed HTTPS call of a role session carries on AWS. */
  private globalContext(principal: Principal, region: string): ContextValues {
    const now = new Date();
    return {
      'aws:SecureTransport': 'true', // every AWS SDK call goes over HTTPS
      'aws:PrincipalArn': principal.principalArn,
      'aws:PrincipalAccount': this.accountId,
      'aws:PrincipalType': principal.callerArn.includes(':assumed-role/') ? 'AssumedRole' : 'User',
      'aws:RequestedRegion': region,
      'aws:CurrentTime': now.toISOString(),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    };
  }
}

type Denial = 'implicit' | 'identity' | 'resource' | 'error';

function interpret(outcome: RunSimulationResults): { allowed: boolean; reason: string; denial: Denial } {
  if (outcome.resultType === 'error') {
    return { allowed: false, reason: `the IAM simulator rejected the request: ${JSON.stringify(outcome.errors)}`, denial: 'error' };
  }
  // A wildcard resource (e.g. DescribeStacks without a name) runs one simulation per matching pattern.
  const analysis = outcome.resultType === 'single' ? outcome.result.analysis : outcome.results[0]?.analysis;
  if (outcome.overallResult === 'Allowed') {
    const grant = analysis ? getGrantReasons(analysis)[0] : undefined;
    const by = grant
      ? `${grant.policyType === 'resource' ? 'the resource policy' : `policy ${'policyIdentifier' in grant ? grant.policyIdentifier : ''}`} statement ${grant.statementId ?? `#${grant.statementIndex}`}`
      : 'a policy';
    return { allowed: true, reason: `allowed by ${by}`, denial: 'implicit' };
  }
  const explicit = analysis ? getDenialReasons(analysis).find((d) => d.denialType === 'Explicit') : undefined;
  if (explicit && explicit.denialType === 'Explicit') {
    const where = explicit.policyType === 'resource' ? 'resource' : 'identity';
    const statement = explicit.statementId ?? `#${explicit.statementIndex}`;
    const policy = explicit.policyIdentifier ? `policy ${explicit.policyIdentifier} ` : 'the resource policy ';
    return { allowed: false, reason: `explicit deny in ${where === 'resource' ? 'the resource policy ' : policy}statement ${statement}`, denial: where };
  }
  return { allowed: false, reason: 'no identity-based policy allows the action', denial: 'implicit' };
}

/** AWS's wording. SQS spells the action in lower case; wildcard-only actions name no resource. */
function deniedMessage(callerArn: string, request: IamRequest, denial: Denial): string {
  const action = request.action.startsWith('sqs:') ? request.action.toLowerCase() : request.action;
  const shown = request.shownResource ?? request.resource;
  const onResource = shown === '*' ? '' : ` on resource: ${shown}`;
  const head = `User: ${callerArn} is not authorized to perform: ${action}${onResource}`;
  if (denial === 'identity') return `${head} with an explicit deny in an identity-based policy`;
  if (denial === 'resource') return `${head} with an explicit deny in a resource-based policy`;
  return `${head} because no identity-based policy allows the ${action} action`;
}

/**
 * CloudFormation (query protocol: form-encoded `Action=…`, XML answers) with DescribeStacks, DescribeStackResource
 * and ListStackResources, answered from the stacks set with setStack() (outputs, and the resources listed there).
 * IAM resource: the stack ARN (arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>); for a stack that does
 * not exist, "…:stack/<name>/*" as AWS names it.
 */
import { randomUUID } from 'node:crypto';
import type { IamRequest } from './authorizer';
import { AwsFault, INVALID_TOKEN_MESSAGE, type AwsError } from './errors';
import type { PlaneService, ServiceCall } from './service';
import { stringField } from './service';
import { escapeXml, sendXml } from './wire';

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** A resource of a stack, as DescribeStackResource and ListStackResources tell it. */
export interface StackResource { logicalId: string; physicalId: string; type: string }

interface Stack { name: string; arn: string; created: Date; outputs: Record<string, string>; resources: StackResource[] }

const OPERATIONS = new Set(['DescribeStacks', 'DescribeStackResource', 'ListStackResources']);

export class CloudFormationService implements PlaneService {
  readonly style = { protocol: 'query', xmlns: XMLNS } as const;
  readonly invalidToken: AwsError = { status: 403, code: 'InvalidClientTokenId', message: INVALID_TOKEN_MESSAGE };
  private readonly stacks = new Map<string, Stack>(); // by name

  constructor(private readonly accountId: string, private readonly region: string) {}

  accessDenied(message: string): AwsError {
    return { status: 403, code: 'AccessDenied', message };
  }

  /** Creates or updates a stack's outputs (and resources); returns the stack ARN (`stackId`, else kept or made up). */
  setStack(name: string, outputs: Record<string, string>, stackId?: string, resources: StackResource[] = []): string {
    const stack = this.stacks.get(name)
      ?? { name, arn: `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${name}/${randomUUID()}`, created: new Date(), outputs, resources };
    if (stackId) stack.arn = stackId;
    stack.outputs = { ...outputs };
    stack.resources = [...resources];
    this.stacks.set(name, stack);
    return stack.arn;
  }

  async iamRequests({ operation, input }: ServiceCall): Promise<IamRequest[]> {
    const id = stringField(input, 'StackName');
    const action = `cloudformation:${operation}`;
    if (!id) return [{ action, resource: '*' }];
    const resource = this.find(id)?.arn ?? (id.startsWith('arn:') ? id : `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${id}/*`);
    return [{ action, resource }];
  }

  async handle({ operation, input, res }: ServiceCall): Promise<void> {
    if (!OPERATIONS.has(operation)) {
      throw new AwsFault({ status: 400, code: 'ValidationError', message: `the plane's CloudFormation does not implement ${operation}` });
    }
    const id = stringField(input, 'StackName');
    if (operation !== 'DescribeStacks') {
      this.handleResources(operation, this.existing(id ?? ''), stringField(input, 'LogicalResourceId'), res);
      return;
    }
    let stacks: Stack[];
    if (id) {
      const stack = this.find(id);
      if (!stack) throw new AwsFault({ status: 400, code: 'ValidationError', message: `Stack with id ${id} does not exist` });
      stacks = [stack];
    } else {
      stacks = [...this.stacks.values()];
    }
    sendXml(res, 200, `<DescribeStacksResponse xmlns="${XMLNS}"><DescribeStacksResult><Stacks>${stacks.map(stackXml).join('')}</Stacks>`
      + `</DescribeStacksResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`);
  }

  private handleResources(operation: string, stack: Stack, logicalId: string | undefined, res: ServiceCall['res']): void {
    const wrap = (body: string) => `<${operation}Response xmlns="${XMLNS}"><${operation}Result>${body}</${operation}Result>`
      + `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`;
    if (operation === 'ListStackResources') {
      sendXml(res, 200, wrap(`<StackResourceSummaries>${stack.resources.map((r) => `<member>${resourceXml(r)}</member>`).join('')}</StackResourceSummaries>`));
      return;
    }
    const resource = stack.resources.find((r) => r.logicalId === logicalId);
    if (!resource) throw new AwsFault({ status: 400, code: 'ValidationError', message: `Resource ${logicalId} does not exist for stack ${stack.name}` });
    sendXml(res, 200, wrap(`<StackResourceDetail><StackName>${escapeXml(stack.name)}</StackName><StackId>${escapeXml(stack.arn)}</StackId>`
      + `${resourceXml(resource)}</StackResourceDetail>`));
  }

  private existing(id: string): Stack {
    const stack = this.find(id);
    if (!stack) throw new AwsFault({ status: 400, code: 'ValidationError', message: `Stack with id ${id} does not exist` });
    return stack;
  }

  private find(id: string): Stack | undefined {
    return this.stacks.get(id) ?? [...this.stacks.values()].find((s) => s.arn === id);
  }
}

function resourceXml(r: StackResource): string {
  return `<LogicalResourceId>${escapeXml(r.logicalId)}</LogicalResourceId><PhysicalResourceId>${escapeXml(r.physicalId)}</PhysicalResourceId>`
    + `<ResourceType>${escapeXml(r.type)}</ResourceType><LastUpdatedTimestamp>${new Date().toISOString()}</LastUpdatedTimestamp>`
    + '<ResourceStatus>CREATE_COMPLETE</ResourceStatus>';
}

function stackXml(stack: Stack): string {
  const outputs = Object.entries(stack.outputs)
    .map(([k, v]) => `<member><OutputKey>${escapeXml(k)}</OutputKey><OutputValue>${escapeXml(v)}</OutputValue></member>`).join('');
  return `<member><StackName>${escapeXml(stack.name)}</StackName><StackId>${escapeXml(stack.arn)}</StackId>`
    + `<StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>${stack.created.toISOString()}</CreationTime>`
    + `<Outputs>${outputs}</Outputs></member>`;
}

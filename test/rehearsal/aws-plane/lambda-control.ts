/**
 * A small Lambda control plane (restJson1 under /2015-03-31/): the published versions of each function and its
 * aliases — ListVersionsByFunction, PublishVersion, GetAlias, UpdateAlias — for `destfn versions|rollback --aws`,
 * and the SQS event source mappings — ListEventSourceMappings, UpdateEventSourceMapping (Enabled) — for
 * `destfn pause|resume|status --aws`. Which code a version runs is the rehearsal's business (deploy/lambdas.ts); here
 * a version is its number, description, CodeSha256 and date. IAM sees a function's calls as lambda:<Operation> on the
 * unqualified function ARN; ListEventSourceMappings on "*" (it has no resource-level permission), and
 * UpdateEventSourceMapping on the mapping's ARN with the condition key lambda:FunctionArn (the function it invokes).
 */
import { randomUUID } from 'node:crypto';
import type { IamRequest } from './authorizer';
import { AwsFault, INVALID_TOKEN_MESSAGE, type AwsError } from './errors';
import type { PlaneService, ServiceCall } from './service';
import { sendJson } from './wire';

const CONTENT_TYPE = 'application/json';
const PREFIX = '/2015-03-31/functions/';

interface Version { version: string; description: string; codeSha256: string; lastModified: string }
interface LambdaFunction { name: string; arn: string; versions: Version[]; aliases: Map<string, string> }

interface Route { operation: string; fn: string; alias?: string }
interface MappingRoute { operation: 'ListEventSourceMappings' | 'UpdateEventSourceMapping'; uuid?: string; query: URLSearchParams }

/** An event source mapping as the deploy started it (event-source.ts), switched on and off through the API. */
export interface PlaneEventSourceMapping {
  eventSourceArn: string;
  /** The function or alias it invokes. */
  functionArn: string;
  batchSize: number;
  maximumConcurrency: number;
  poller: { enabled: boolean };
}

export class LambdaControlService implements PlaneService {
  readonly style = { protocol: 'json', contentType: CONTENT_TYPE } as const;
  readonly invalidToken: AwsError = { status: 403, code: 'UnrecognizedClientException', message: INVALID_TOKEN_MESSAGE };
  private readonly functions = new Map<string, LambdaFunction>();
  private readonly mappings = new Map<string, PlaneEventSourceMapping>();

  constructor(private readonly accountId: string, private readonly region: string) {}

  accessDenied(message: string): AwsError {
    return { status: 403, code: 'AccessDeniedException', message, messageKey: 'Message' };
  }

  functionArn(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  /** Publishes a version of `name` (creating the function on first use), as a deploy's AWS::Lambda::Version does. */
  publish(name: string, description: string, codeSha256: string, at = new Date()): string {
    const fn = this.functions.get(name) ?? { name, arn: this.functionArn(name), versions: [], aliases: new Map<string, string>() };
    this.functions.set(name, fn);
    const version = String(fn.versions.length + 1);
    fn.versions.push({ version, description, codeSha256, lastModified: lambdaDate(at) });
    return version;
  }

  /** Creates or moves an alias, as a deploy's AWS::Lambda::Alias does. */
  setAlias(name: string, alias: string, version: string): void {
    this.requireVersion(this.requireFunction(name), version);
    this.functions.get(name)!.aliases.set(alias, version);
  }

  /** Registers a mapping the deploy started; returns its UUID. */
  addEventSourceMapping(mapping: PlaneEventSourceMapping): string {
    const uuid = randomUUID();
    this.mappings.set(uuid, mapping);
    return uuid;
  }

  aliasVersion(name: string, alias: string): string | undefined {
    return this.functions.get(name)?.aliases.get(alias);
  }

  async iamRequests(call: ServiceCall): Promise<IamRequest[]> {
    const mappingRoute = mappingRouteOf(call);
    if (mappingRoute?.operation === 'ListEventSourceMappings') return [{ action: 'lambda:ListEventSourceMappings', resource: '*' }];
    if (mappingRoute) {
      const mapping = this.mappings.get(mappingRoute.uuid!);
      return [{
        action: 'lambda:UpdateEventSourceMapping', resource: `arn:aws:lambda:${this.region}:${this.accountId}:event-source-mapping:${mappingRoute.uuid}`,
        ...(mapping ? { context: { 'lambda:FunctionArn': mapping.functionArn } } : {}),
      }];
    }
    const route = routeOf(call);
    return [{ action: `lambda:${route.operation}`, resource: this.functionArn(route.fn) }];
  }

  async handle(call: ServiceCall): Promise<void> {
    const mappingRoute = mappingRouteOf(call);
    if (mappingRoute) return this.handleMapping(call, mappingRoute);
    const route = routeOf(call);
    const fn = this.requireFunction(route.fn);
    const input = call.input;
    switch (route.operation) {
      case 'ListVersionsByFunction': {
        const all = [{ version: '$LATEST', description: '', codeSha256: fn.versions.at(-1)?.codeSha256 ?? '', lastModified: fn.versions.at(-1)?.lastModified ?? '' }, ...fn.versions];
        return sendJson(call.res, 200, { Versions: all.map((v) => this.configuration(fn, v)) }, CONTENT_TYPE);
      }
      case 'PublishVersion': {
        const version = this.publish(fn.name, typeof input.Description === 'string' ? input.Description : '', fn.versions.at(-1)?.codeSha256 ?? '');
        return sendJson(call.res, 201, this.configuration(fn, fn.versions.find((v) => v.version === version)!), CONTENT_TYPE);
      }
      case 'GetAlias':
        return sendJson(call.res, 200, this.aliasConfiguration(fn, route.alias!), CONTENT_TYPE);
      case 'UpdateAlias': {
        this.aliasConfiguration(fn, route.alias!); // it must exist
        const version = typeof input.FunctionVersion === 'string' ? input.FunctionVersion : undefined;
        if (version !== undefined) fn.aliases.set(route.alias!, this.requireVersion(fn, version).version);
        return sendJson(call.res, 200, this.aliasConfiguration(fn, route.alias!), CONTENT_TYPE);
      }
    }
  }

  private handleMapping(call: ServiceCall, route: MappingRoute): void {
    if (route.operation === 'ListEventSourceMappings') {
      const source = route.query.get('EventSourceArn');
      const found = [...this.mappings].filter(([, m]) => source === null || m.eventSourceArn === source);
      return sendJson(call.res, 200, { EventSourceMappings: found.map(([uuid, m]) => this.mappingConfiguration(uuid, m)) }, CONTENT_TYPE);
    }
    const mapping = this.mappings.get(route.uuid!);
    if (!mapping) throw notFound(`The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${route.uuid})`);
    const enabled = call.input.Enabled;
    if (typeof enabled === 'boolean') mapping.poller.enabled = enabled;
    // Lambda answers with the transition; the next read shows where it ended.
    const answer = this.mappingConfiguration(route.uuid!, mapping);
    if (typeof enabled === 'boolean') answer.State = enabled ? 'Enabling' : 'Disabling';
    return sendJson(call.res, 202, answer, CONTENT_TYPE);
  }

  private mappingConfiguration(uuid: string, m: PlaneEventSourceMapping): Record<string, unknown> {
    return {
      UUID: uuid, EventSourceArn: m.eventSourceArn, FunctionArn: m.functionArn, BatchSize: m.batchSize,
      ScalingConfig: { MaximumConcurrency: m.maximumConcurrency }, State: m.poller.enabled ? 'Enabled' : 'Disabled',
    };
  }

  private configuration(fn: LambdaFunction, v: Version): Record<string, unknown> {
    return {
      FunctionName: fn.name, FunctionArn: `${fn.arn}:${v.version}`, Version: v.version,
      Description: v.description, CodeSha256: v.codeSha256, LastModified: v.lastModified,
    };
  }

  private aliasConfiguration(fn: LambdaFunction, alias: string): Record<string, unknown> {
    const version = fn.aliases.get(alias);
    if (version === undefined) throw notFound(`Cannot find alias arn: ${fn.arn}:${alias}`);
    return { AliasArn: `${fn.arn}:${alias}`, Name: alias, FunctionVersion: version, Description: '' };
  }

  private requireFunction(name: string): LambdaFunction {
    const fn = this.functions.get(name);
    if (!fn) throw notFound(`Function not found: ${this.functionArn(name)}`);
    return fn;
  }

  private requireVersion(fn: LambdaFunction, version: string): Version {
    const found = fn.versions.find((v) => v.version === version);
    if (!found) throw notFound(`Function not found: ${fn.arn}:${version}`);
    return found;
  }
}

const MAPPINGS_PREFIX = '/2015-03-31/event-source-mappings/';

/** ListEventSourceMappings (GET …/event-source-mappings/?EventSourceArn=) and UpdateEventSourceMapping (PUT …/<UUID>). */
function mappingRouteOf(call: ServiceCall): MappingRoute | null {
  const url = new URL(call.req.url ?? '/', 'http://plane');
  if (!`${url.pathname}/`.startsWith(MAPPINGS_PREFIX)) return null;
  const uuid = decodeURIComponent(url.pathname.slice(MAPPINGS_PREFIX.length).replace(/\/$/, ''));
  const method = call.req.method ?? 'GET';
  if (uuid === '' && method === 'GET') return { operation: 'ListEventSourceMappings', query: url.searchParams };
  if (uuid !== '' && !uuid.includes('/') && method === 'PUT') return { operation: 'UpdateEventSourceMapping', uuid, query: url.searchParams };
  throw unsupported(call);
}

function routeOf(call: ServiceCall): Route {
  const url = new URL(call.req.url ?? '/', 'http://plane');
  if (!url.pathname.startsWith(PREFIX)) throw unsupported(call);
  const [fnPart, kind, aliasPart, ...rest] = url.pathname.slice(PREFIX.length).split('/').map(decodeURIComponent);
  const fn = fnPart.startsWith('arn:') ? fnPart.split(':')[6] : fnPart;
  const method = call.req.method ?? 'GET';
  if (kind === 'versions' && aliasPart === undefined) {
    if (method === 'GET') return { operation: 'ListVersionsByFunction', fn };
    if (method === 'POST') return { operation: 'PublishVersion', fn };
  }
  if (kind === 'aliases' && aliasPart !== undefined && rest.length === 0) {
    if (method === 'GET') return { operation: 'GetAlias', fn, alias: aliasPart };
    if (method === 'PUT') return { operation: 'UpdateAlias', fn, alias: aliasPart };
  }
  throw unsupported(call);
}

/** Lambda's LastModified: ISO 8601 with a +0000 offset. */
function lambdaDate(at: Date): string {
  return at.toISOString().replace('Z', '+0000');
}

function notFound(message: string): AwsFault {
  return new AwsFault({ status: 404, code: 'ResourceNotFoundException', message, messageKey: 'Message' });
}

function unsupported(call: ServiceCall): AwsFault {
  return new AwsFault({ status: 400, code: 'InvalidRequestContentException', message: `AWS plane: ${call.req.method} ${call.req.url} is not supported`, messageKey: 'Message' });
}

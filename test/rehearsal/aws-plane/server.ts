/**
 * The plane's one HTTP endpoint: identify the caller and the service from the SigV4 credential scope, parse the
 * operation, check every IAM request of the call, then let the service answer (forward to its emulator or fake).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authorizer, Decision } from './authorizer';
import { AwsFault, sendAwsError, type WireStyle } from './errors';
import type { PrincipalRegistry } from './principals';
import type { PlaneService, ServiceCall } from './service';
import { sigV4Scope } from './sigv4';
import { readBody, sendJson } from './wire';

export interface PlaneRouting {
  /** By SigV4 signing name. */
  services: Record<string, PlaneService>;
  principals: PrincipalRegistry;
  authorizer: Authorizer;
  /** Calls signed with this key skip IAM (the test's own setup and assertions). */
  adminAccessKeyId: string;
}

export interface PlaneServer { server: Server; endpoint: string; close(): Promise<void> }

/** Listens first (the SQS queue URLs need the endpoint), routes once `route()` gives the services. */
export async function startPlaneServer(): Promise<PlaneServer & { route(routing: PlaneRouting): void }> {
  let routing: PlaneRouting | undefined;
  const server = createServer((req, res) => {
    if (!routing) return sendJson(res, 503, { message: 'plane starting' }, 'application/json');
    handle(routing, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { __type: 'InternalFailure', message: `AWS plane: ${err instanceof Error ? err.message : String(err)}` }, 'application/json');
      else res.destroy();
    });
  });
  // Node closes a keep-alive connection after 5 s idle; a client sending on it at that moment reads ECONNRESET. The
  // event source pollers (one attempt per call, as their failures are counted) sit idle that long while a mapping
  // is disabled (`destfn pause --aws`): keep idle connections open longer than any quiet spell of a rehearsal.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    route: (r) => { routing = r; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function handle(routing: PlaneRouting, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const scope = sigV4Scope(req.headers);
  const service = scope ? routing.services[scope.service] : undefined;
  if (!scope || !service) {
    sendJson(res, 403, { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }, 'application/json');
    return;
  }
  let call: ServiceCall;
  try {
    call = parseCall(service.style, req, res, body, scope.region);
  } catch {
    sendJson(res, 400, { __type: 'SerializationException', message: 'the request body is not valid' }, 'application/json');
    return;
  }
  try {
    if (scope.accessKeyId !== routing.adminAccessKeyId) {
      const principal = routing.principals.byAccessKey(scope.accessKeyId);
      if (!principal || principal.credentials.AWS_SESSION_TOKEN !== scope.sessionToken) return sendAwsError(res, service.style, service.invalidToken);
      const decisions: Decision[] = [];
      // Every evaluation is recorded (all the missing permissions show at once); the first denial is answered.
      for (const request of await service.iamRequests(call)) decisions.push(await routing.authorizer.evaluate(principal, call.operation, request, scope.region));
      const denied = decisions.find((d) => !d.allowed);
      if (denied) return sendAwsError(res, service.style, service.accessDenied(denied.message));
    }
    await service.handle(call);
  } catch (err) {
    if (!(err instanceof AwsFault)) throw err;
    sendAwsError(res, service.style, err.error);
  }
}

function parseCall(style: WireStyle, req: IncomingMessage, res: ServerResponse, body: Buffer, region: string): ServiceCall {
  if (style.protocol === 'query') {
    const params = new URLSearchParams(body.toString('utf8'));
    return { req, res, body, region, operation: params.get('Action') ?? '', input: Object.fromEntries(params) };
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  const input = body.length ? JSON.parse(body.toString('utf8')) as Record<string, unknown> : {};
  return { req, res, body, region, operation: target.slice(target.lastIndexOf('.') + 1), input };
}

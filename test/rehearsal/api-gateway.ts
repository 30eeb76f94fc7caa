/**
 * The synthesized HTTP API played on 127.0.0.1: its routes (AWS::ApiGatewayV2::Route), its CORS
 * configuration, and the Lambda proxy integration with payload format 2.0. Requests that match no route get
 * API Gateway's 404; a failed or timed-out integration its 500/503. Text bodies arrive as text, others (and
 * any compressed body) base64-encoded, as HTTP APIs do.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LambdaFunction } from './lambda/lambda-function';

export interface Route { method: string; path: string; routeKey: string; integration: LambdaFunction }

export interface CorsConfiguration { AllowOrigins?: string[]; AllowMethods?: string[]; AllowHeaders?: string[]; MaxAge?: number }

export interface HttpApi { url: string; requests: number; stop(): Promise<void> }

/** API Gateway's integration timeout for HTTP APIs. */
const INTEGRATION_TIMEOUT_MS = 30_000;
const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)\b|[^;]*\+(json|xml)\b)/i;

export async function startHttpApi(routes: readonly Route[], cors: CorsConfiguration | undefined, accountId: string): Promise<HttpApi> {
  const apiId = randomUUID().replace(/-/g, '').slice(0, 10);
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, Buffer.concat(chunks), res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `rehearsal: ${String(err)}` }));
      });
    });
  });

  async function handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const origin = req.headers.origin;
    if (method === 'OPTIONS' && cors && origin && req.headers['access-control-request-method']) return preflight(req, res, cors);
    const match = matchRoute(routes, method, url.pathname);
    const corsHeaders: Record<string, string> = cors && origin && allowsOrigin(cors, origin) ? { 'access-control-allow-origin': cors.AllowOrigins!.includes('*') ? '*' : origin } : {};
    if (!match) {
      res.writeHead(404, { 'content-type': 'application/json', ...corsHeaders }).end(JSON.stringify({ message: 'Not Found' }));
      return;
    }
    const event = toEvent(req, url, body, match.route, match.pathParameters, apiId, accountId);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), INTEGRATION_TIMEOUT_MS).unref());
    const outcome = await Promise.race([match.route.integration.invoke(event), timeout]);
    if (outcome === 'timeout') {
      res.writeHead(503, { 'content-type': 'application/json', ...corsHeaders }).end(JSON.stringify({ message: 'Service Unavailable' }));
      return;
    }
    if (!outcome.ok) {
      res.writeHead(500, { 'content-type': 'application/json', ...corsHeaders }).end(JSON.stringify({ message: 'Internal Server Error' }));
      return;
    }
    const result = outcome.result as APIGatewayProxyStructuredResultV2;
    const headers = { ...(result.headers as Record<string, string> | undefined), ...corsHeaders };
    const payload = result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
    res.writeHead(result.statusCode ?? 200, headers).end(payload);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() { return requests; },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function matchRoute(routes: readonly Route[], method: string, path: string) {
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const pattern = route.path.split('/');
    const parts = path.split('/');
    if (pattern.length !== parts.length) continue;
    const pathParameters: Record<string, string> = {};
    if (pattern.every((p, i) => {
      const param = /^\{(\w+)\}$/.exec(p);
      if (param) { pathParameters[param[1]] = decodeURIComponent(parts[i]); return parts[i] !== ''; }
      return p === parts[i];
    })) return { route, pathParameters };
  }
  return undefined;
}

function toEvent(req: IncomingMessage, url: URL, body: Buffer, route: Route, pathParameters: Record<string, string>,
  apiId: string, accountId: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const binary = Boolean(headers['content-encoding']) || !TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    pathParameters,
    requestContext: {
      accountId,
      apiId,
      domainName: `${apiId}.execute-api.us-east-1.amazonaws.com`,
      domainPrefix: apiId,
      http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: binary ? body.toString('base64') : body.toString('utf8') } : {}),
    isBase64Encoded: body.length > 0 && binary,
  };
}

function allowsOrigin(cors: CorsConfiguration, origin: string): boolean {
  return (cors.AllowOrigins ?? []).some((o) => o === '*' || o === origin);
}

function preflight(req: IncomingMessage, res: ServerResponse, cors: CorsConfiguration): void {
  const origin = String(req.headers.origin);
  const method = String(req.headers['access-control-request-method']).toUpperCase();
  const asked = String(req.headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const allowedHeaders = (cors.AllowHeaders ?? []).map((h) => h.toLowerCase());
  const ok = allowsOrigin(cors, origin)
    && (cors.AllowMethods ?? []).some((m) => m === '*' || m.toUpperCase() === method)
    && asked.every((h) => allowedHeaders.includes('*') || allowedHeaders.includes(h));
  if (!ok) { res.writeHead(204).end(); return; }
  res.writeHead(204, {
    'access-control-allow-origin': (cors.AllowOrigins ?? []).includes('*') ? '*' : origin,
    'access-control-allow-methods': (cors.AllowMethods ?? []).join(','),
    'access-control-allow-headers': (cors.AllowHeaders ?? []).join(','),
    ...(cors.MaxAge !== undefined ? { 'access-control-max-age': String(cors.MaxAge) } : {}),
  }).end();
}

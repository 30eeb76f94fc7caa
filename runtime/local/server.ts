/**
 * The local engine's HTTP front: the ingest API (validated by the shared runtime/ingest code and
 * committed to the queue before answering), what analytics.js asks besides (its settings, /v1/m), the dev
 * sink, /health and the dev console (`/`, `/console/*`, `/api/*`: console/). Requests whose Host is not this
 * engine are refused (host-check.ts).
 * Never throws on any input: every path ends in a JSON (or HTML) answer.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { answerBrowserRequest, type IngestRequest, type SourceCredentials } from '../ingest';
import { isConsolePath, type DevConsole } from './console';
import type { DevSink } from './dev-sink';
import { allowedHost } from './host-check';
import { flatHeaders, readBody, sendJson } from './http-io';

/** The ingest code refuses anything over 500 KB with a proper 413; the reader stops a bit above. */
export const MAX_BODY_BYTES = 500 * 1024 + 16 * 1024;

export interface IngestAnswer { status: number; body: unknown }

/**
 * How long a client may take, and how many may be connected at once (per listening address), so slow or idle
 * clients cannot hold sockets: all its headers within 10 s, the whole request (500 KB at most) within 30 s,
 * an idle keep-alive connection closed after 5 s (analytics-node and analytics.js reconnect freely), and at
 * most 1,024 connections (more are closed at once). A timed-out request is answered 408 and closed.
 */
export interface HttpLimits { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number }

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1024 };

export interface ServerDeps {
  /** A Promise when the answer waits for a commit (group commit, see group-commit.ts). */
  ingest(req: IngestRequest): IngestAnswer | Promise<IngestAnswer>;
  /** For the write key in analytics.js's settings request. */
  sources: SourceCredentials[];
  /** The `--host` the engine was bound to, if any (its name is then a valid Host). */
  boundHost?: string;
  sink: DevSink;
  /** The dev console: `/`, `/console/*`, `/api/*`. */
  console: DevConsole;
  health(): unknown;
  /** An unexpected error while answering (a bug): logged by the engine. */
  onError(err: unknown): void;
}

const CORS = { 'access-control-allow-origin': '*' };
const PREFLIGHT = {
  ...CORS,
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  // Every header analytics.js sends (X-Retry-Count on its retries) and the webhook signature.
  'access-control-allow-headers': 'authorization, content-type, x-retry-count, x-signature',
  'access-control-max-age': '86400',
};

function splitUrl(url: string | undefined): [path: string, query: string] {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? [raw, ''] : [raw.slice(0, q), raw.slice(q + 1)];
}

export function createRequestHandler(deps: ServerDeps) {
  const tooLarge = (res: ServerResponse) =>
    sendJson(res, 413, { success: false, error: `request body over ${MAX_BODY_BYTES} bytes` }, { ...CORS, connection: 'close' });

  function route(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const [path, query] = splitUrl(req.url);
    if (!allowedHost(req, deps.boundHost)) {
      return sendJson(res, 403, { success: false, error: 'the Host header does not name this engine (use localhost, 127.0.0.1 or [::1] with its port)' });
    }
    if (isConsolePath(path)) return deps.console.handle(req, res, method, path, new URLSearchParams(query));
    if (method === 'OPTIONS') {
      res.writeHead(204, PREFLIGHT);
      res.end();
      return;
    }
    if (method === 'GET' && path === '/health') return sendJson(res, 200, deps.health());
    if (method === 'GET' && path === '/_sink') return sendJson(res, 200, deps.sink.recent());
    if (path.startsWith('/_sink/')) {
      if (method !== 'POST' && method !== 'PUT') return sendJson(res, 405, { ok: false, error: 'use POST' });
      return readBody(req, MAX_BODY_BYTES, (result) => {
        if (!result.ok) return tooLarge(res);
        deps.sink.record(decodeSafe(path.slice('/_sink/'.length)), req.headers['content-type'], result.body);
        sendJson(res, 200, { ok: true });
      });
    }
    readBody(req, MAX_BODY_BYTES, (result) => {
      if (!result.ok) return tooLarge(res);
      const request: IngestRequest = { method, path, headers: flatHeaders(req), body: result.body };
      const browser = answerBrowserRequest(request, deps.sources, 'http');
      if (browser) return sendJson(res, browser.status, browser.body, CORS);
      const failed = (err: unknown): IngestAnswer => {
        deps.onError(err);
        return { status: 500, body: { success: false, error: 'internal error' } };
      };
      const send = (answer: IngestAnswer) => sendJson(res, answer.status, answer.body, CORS);
      let answer: IngestAnswer | Promise<IngestAnswer>;
      try {
        answer = deps.ingest(request);
      } catch (err) {
        answer = failed(err);
      }
      if (answer instanceof Promise) answer.then(send, (err: unknown) => send(failed(err)));
      else send(answer);
    });
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    try {
      route(req, res);
    } catch (err) {
      deps.onError(err);
      sendJson(res, 500, { success: false, error: 'internal error' });
    }
  };
}

function decodeSafe(text: string): string {
  try { return decodeURIComponent(text); } catch { return text; }
}

export function createServer(deps: ServerDeps, limits: HttpLimits = DEFAULT_HTTP_LIMITS): http.Server {
  const server = http.createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above only this often (default 30 s, which would let a slow client stay 30 s longer).
    connectionsCheckingInterval: Math.min(1000, Math.ceil(limits.headersTimeoutMs / 4)),
  }, createRequestHandler(deps));
  server.maxConnections = limits.maxConnections;
  // Malformed HTTP (bad request line, oversized headers): a JSON 400 instead of a bare one.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const body = JSON.stringify({ success: false, error: `bad HTTP request: ${err.code ?? err.message}` });
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  return server;
}

/**
 * The requests a function makes during a console Run: each one recorded (method, URL, status, time, headers,
 * bodies, all redacted) and, with network 'stub' (the default), answered with the user's stub response without
 * leaving the machine. With 'real' the request is made as in a delivery and its answer read once, recorded, and
 * handed to the function as an equal Response.
 */
import { STATUS_CODES } from 'node:http';
import type { FetchCall, RunObserver } from '../../../invocation/run-observer';
import { Headers, Response } from '../../../sandbox/fetch';
import type { Redactor } from '../../../settings/redact';

export interface StubResponse { status: number; headers?: Record<string, string>; body: string }

export const DEFAULT_STUB: StubResponse = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };

/** Longer bodies are cut (the page shows them, collapsed). */
export const MAX_BODY_CHARS = 64 * 1024;

export interface OutboundRequest {
  method: string;
  url: string;
  status: number | null;
  ms: number;
  stubbed: boolean;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  responseStatusText?: string;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  error?: string;
}

type Init = { method?: unknown; headers?: unknown; body?: unknown } | null | undefined;
type RequestLike = { url?: unknown; method?: unknown; headers?: unknown };

export interface FetchCapture { observe: NonNullable<RunObserver['fetch']>; requests: OutboundRequest[] }

export function fetchCapture(network: 'stub' | 'real', stub: StubResponse, redact: Redactor): FetchCapture {
  const requests: OutboundRequest[] = [];
  const cut = (text: string) => redact(text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…[truncated]` : text);
  const flat = (headers: Headers): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [name, values] of Object.entries(headers.raw())) out[name] = redact(values.join(', '));
    return out;
  };

  const observe = async (input: unknown, init: unknown, next: FetchCall): Promise<unknown> => {
    const started = performance.now();
    const entry = describeRequest(input, init as Init, redact, cut, flat);
    requests.push(entry);
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    if (network === 'stub') {
      const status = stub.status;
      const response = new Response(stub.body, { url: entry.url, status, statusText: STATUS_CODES[status] ?? '', headers: stub.headers ?? {} });
      Object.assign(entry, { status, stubbed: true, ms: elapsed(), responseStatusText: response.statusText, responseHeaders: flat(response.headers), responseBody: cut(stub.body) });
      return response;
    }
    try {
      const real = await next(input, init) as Response;
      const body = await real.buffer();
      Object.assign(entry, {
        status: real.status, ms: elapsed(), responseStatusText: real.statusText, responseHeaders: flat(real.headers), responseBody: cut(body.toString('utf8')),
      });
      return new Response(body, { url: real.url, status: real.status, statusText: real.statusText, headers: real.headers });
    } catch (err) {
      Object.assign(entry, { ms: elapsed(), error: redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err)) });
      throw err;
    }
  };
  return { observe, requests };
}

function describeRequest(input: unknown, init: Init, redact: Redactor, cut: (text: string) => string, flat: (h: Headers) => Record<string, string>): OutboundRequest {
  const like = (typeof input === 'object' && input !== null ? input : {}) as RequestLike;
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : typeof like.url === 'string' ? like.url : String(input);
  const method = String(init?.method ?? like.method ?? 'GET').toUpperCase();
  let requestHeaders: Record<string, string> = {};
  try {
    requestHeaders = flat(new Headers((init?.headers ?? like.headers ?? {}) as ConstructorParameters<typeof Headers>[0]));
  } catch { /* fetch itself reports bad headers */ }
  const entry: OutboundRequest = { method, url: redact(url), status: null, ms: 0, stubbed: false, requestHeaders };
  const body = bodyText(init?.body);
  if (body !== undefined) entry.requestBody = cut(body);
  return entry;
}

/** The request body when it is text-like; a stream or form is described, not read (the request still needs it). */
function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (body instanceof URLSearchParams || Object.prototype.toString.call(body) === '[object URLSearchParams]') return String(body);
  return `[${Object.prototype.toString.call(body).slice(8, -1)} body not shown]`;
}

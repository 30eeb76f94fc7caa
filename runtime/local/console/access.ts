/**
 * Who may use the console (issue 12 §3, issue 11.5). The Host check (host-check.ts) runs before this for every
 * request. On top of it:
 * - CSRF: every POST to /api/* carries `x-destfn-token`, a per-start token only the console page gets (its meta tag).
 * - Cross-origin: no CORS headers are ever sent, preflights to /api/* are refused, and a foreign `Origin` is refused.
 * - Off loopback: every console request (`/`, `/console/*`, `/api/*`) needs the token, as the `destfn_token` cookie
 *   (set by `GET /?token=…`) or the header; the ingest paths keep their write-key auth.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-destfn-token';
export const TOKEN_COOKIE = 'destfn_token';

export interface ConsoleAccess {
  token: string;
  /** True when the engine listens on loopback only: then GETs need no token. */
  loopbackOnly: boolean;
}

export type Refusal = { status: 401 | 403; error: string; code: string };

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function headerToken(req: IncomingMessage): string | undefined {
  const value = req.headers[TOKEN_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether the request proves it comes from someone who got the token (header or cookie). */
export function hasToken(req: IncomingMessage, access: ConsoleAccess): boolean {
  return sameToken(headerToken(req), access.token) || sameToken(cookieValue(req, TOKEN_COOKIE), access.token);
}

/** A browser sends `Origin` on cross-origin requests (and same-origin POSTs): it must be this engine's own. */
function foreignOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  return origin !== `http://${req.headers.host ?? ''}`;
}

/** The gate of every console request; null when it may go on. */
export function refuseConsoleRequest(req: IncomingMessage, method: string, path: string, access: ConsoleAccess): Refusal | null {
  const api = path.startsWith('/api/');
  if (api && method === 'OPTIONS') return { status: 403, error: 'cross-origin requests to the console API are refused', code: 'cross-origin' };
  if (api && foreignOrigin(req)) return { status: 403, error: 'cross-origin requests to the console API are refused', code: 'cross-origin' };
  if (!access.loopbackOnly && !hasToken(req, access)) {
    return { status: 401, error: 'the engine listens beyond loopback: open the console with the URL destfn dev printed (…/?token=…)', code: 'no-token' };
  }
  if (api && method !== 'GET' && method !== 'HEAD' && !sameToken(headerToken(req), access.token)) {
    return { status: 403, error: `missing or wrong ${TOKEN_HEADER} header (reload the console page)`, code: 'bad-token' };
  }
  return null;
}

/** `Set-Cookie` for the token (the page's later requests carry it; scripts cannot read it). */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

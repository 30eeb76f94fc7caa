/**
 * Who may use the console (issue 12 §3, issue 11.5). The Host check (host-check.ts) runs before this for every
 * request. On top of it:
 * - Every console request (`/`, `/console/*`, `/api/*`) needs the token, as the `destfn_token` cookie (set by
 *   `GET /?token=…`, the URL destfn dev prints) or the header — also on loopback: function code runs on this machine,
 *   and a loopback client able to read the page (or /api/session) could run other functions with its own settings
 *   (issue 11.1). The ingest paths keep their write-key auth.
 * - CSRF: every POST to /api/* carries `x-destfn-token` (the page has it in its meta tag); the cookie is not enough.
 * - Cross-origin: no CORS headers are ever sent, preflights to /api/* are refused, and a foreign `Origin` is refused.
 * The token is kept in the data dir (`console-token`, 0600; function workers cannot read the data dir), so the URL
 * and the page's cookie stay valid across restarts; `destfn dev --token` / DESTFN_TOKEN overrides it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';

export const TOKEN_HEADER = 'x-destfn-token';
export const TOKEN_COOKIE = 'destfn_token';

export interface ConsoleAccess {
  token: string;
  /** True when the engine listens on loopback only (the token is needed either way; this only shapes the messages). */
  loopbackOnly: boolean;
}

export type Refusal = { status: 401 | 403; error: string; code: string };

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The file in the data dir that keeps the console token across restarts. */
export const TOKEN_FILE = 'console-token';
/** Shorter stored tokens (a hand-edited file) are replaced. */
const MIN_STORED_TOKEN_LENGTH = 16;

/** The token kept in `dataDir` (made 0600), or a new one stored there. The data dir must exist. */
export function storedToken(dataDir: string): string {
  const file = join(dataDir, TOKEN_FILE);
  let existing = '';
  try {
    existing = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing.length >= MIN_STORED_TOKEN_LENGTH && /^[\x21-\x7e]+$/.test(existing)) {
    chmodSync(file, 0o600);
    return existing;
  }
  const token = newToken();
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync keeps the mode of a file that already existed
  return token;
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
  if (!hasToken(req, access)) {
    return { status: 401, error: 'open the console with the URL destfn dev printed (…/?token=…)', code: 'no-token' };
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

/**
 * Calls to the console API. Every request carries the `destfn_token` cookie (set when the page was opened with
 * ?token=…) and every POST also the token of the page's meta tag (`x-destfn-token`). The token is kept in the data
 * dir, so it usually survives an engine restart; if it changed (--token), a POST refused for its token asks
 * `/api/session` for the new one (which answers only if the cookie is still good) once and tries again.
 */
import type { Session } from './api-types';

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

let token = document.querySelector<HTMLMetaElement>('meta[name="destfn-token"]')?.content ?? '';

/** The token of the engine now running. */
export async function refreshToken(): Promise<void> {
  try {
    token = (await getJson<Session>('/api/session')).token || token;
  } catch { /* the engine is still down: the next POST says so */ }
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = null;
  try { body = JSON.parse(text); } catch { /* not JSON: reported below */ }
  if (!res.ok) {
    const { error, code } = (body ?? {}) as { error?: unknown; code?: unknown };
    throw new ApiError(res.status, typeof error === 'string' ? error : `HTTP ${res.status}`, typeof code === 'string' ? code : undefined);
  }
  if (body === null) throw new ApiError(res.status, 'the engine answered something other than JSON');
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const send = () => fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-destfn-token': token },
    body: JSON.stringify(body),
  });
  try {
    return await answer<T>(await send());
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 403 && err.code === 'bad-token')) throw err;
    await refreshToken();
    return answer<T>(await send());
  }
}

/** `/api/a/b?x=1` from path segments (each escaped) and the query's non-empty values. */
export function apiPath(segments: readonly string[], query: Record<string, string | number | undefined> = {}): string {
  const path = `/api/${segments.map(encodeURIComponent).join('/')}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

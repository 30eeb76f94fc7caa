/** Helpers for the ingest tests: fixtures, sources and request builders. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestRequest, SourceCredentials } from '../../runtime/ingest';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'events');
export const TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias', 'delete'] as const;

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

export const WRITE_KEY = 'wk_test_0123456789';
export const SOURCES: SourceCredentials[] = [
  { name: 'web', writeKey: WRITE_KEY, sharedSecret: null },
  { name: 'mobile', writeKey: 'wk_mobile_abcdef', sharedSecret: null },
  { name: 'hooks', writeKey: 'wk_hooks_zzz', sharedSecret: 'shh-shared-secret' },
];

export const basic = (user: string, password = ''): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A POST with the write key of "web" as Basic auth; `body` is JSON-encoded unless it is already a string/Buffer. */
export function post(path: string, body: unknown, headers: Record<string, string | undefined> = {}): IngestRequest {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', authorization: basic(WRITE_KEY), ...headers },
    body: raw,
  };
}

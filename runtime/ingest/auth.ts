/** Write-key and webhook-signature checks, in constant time. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SourceCredentials } from './types';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Compares two strings without leaking where (or whether the lengths) they differ. */
export function secureEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Digests of the configured write keys, computed once per key rather than once per request. */
const knownKeyDigests = new Map<string, Buffer>();
const MAX_KNOWN_KEYS = 1000;

function knownKeyDigest(writeKey: string): Buffer {
  let d = knownKeyDigests.get(writeKey);
  if (!d) {
    if (knownKeyDigests.size >= MAX_KNOWN_KEYS) knownKeyDigests.clear();
    d = digest(writeKey);
    knownKeyDigests.set(writeKey, d);
  }
  return d;
}

/** The user name of an `Authorization: Basic base64(user:password)` header, or null. */
export function basicAuthUser(header: string | undefined): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user.length > 0 ? user : null;
}

/** The source whose write key this is. Every source is compared, so timing does not reveal which one matched. */
export function sourceForWriteKey(writeKey: string, sources: readonly SourceCredentials[]): SourceCredentials | null {
  const presented = digest(writeKey);
  let found: SourceCredentials | null = null;
  for (const source of sources) {
    if (timingSafeEqual(presented, knownKeyDigest(source.writeKey)) && !found) found = source;
  }
  return found;
}

/** `X-Signature` = hex HMAC-SHA1(sharedSecret, raw body), as Segment's Webhooks destination signs. */
export function validSignature(sharedSecret: string, body: Buffer, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = createHmac('sha1', sharedSecret).update(body).digest('hex');
  return secureEqual(expected, signature.trim().toLowerCase());
}

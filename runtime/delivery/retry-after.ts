/**
 * HTTP `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date. A destination's 429 or 503 says
 * when to come back; the settle decision waits at least that long (settle-decision.ts).
 */

/** Milliseconds to wait, or null when the value is missing or neither form. A date in the past is 0. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return null; // Date.parse would read bare numbers like "-1" or "1e3"
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** `RetryError`'s `retryAfterSeconds` option → milliseconds, or null when absent or not a usable number. */
export function retryAfterOption(thrown: unknown): number | null {
  const seconds = typeof thrown === 'object' && thrown !== null ? (thrown as { retryAfterSeconds?: unknown }).retryAfterSeconds : undefined;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null;
}

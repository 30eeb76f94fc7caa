/**
 * Secret redaction for captured logs, error messages and results.
 *
 * Each secret is searched in the forms it commonly leaks in: raw, HTTP Basic `base64(value + ":")`,
 * `base64(value)`, JSON-escaped, as util.inspect (console.log of an object) prints it, and URL-encoded.
 *
 * Values shorter than MIN_SECRET_LENGTH are not redacted: a 1–3 character "secret" is not a real
 * credential, and replacing every "a" or "on" in every log line would make logs unreadable while
 * protecting nothing. Real API keys are far longer.
 */
import { inspect } from 'node:util';
import { encodeBase64 } from '../sandbox/base64';

export const REDACTED = '[REDACTED]';
export const MIN_SECRET_LENGTH = 4;

export type Redactor = (text: string) => string;

export const noRedaction: Redactor = (text) => text;

export function secretForms(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    encodeBase64(`${secret}:`),
    Buffer.from(`${secret}:`, 'utf8').toString('base64'),
    encodeBase64(secret),
    Buffer.from(secret, 'utf8').toString('base64'),
    JSON.stringify(secret).slice(1, -1),
    inspect(secret).slice(1, -1), // how console.log(settings) prints it
    encodeURIComponent(secret),
  ]);
  return [...forms];
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of secretForms(secret)) needles.add(form);
  }
  if (needles.size === 0) return noRedaction;
  const alternatives = [...needles]
    .sort((a, b) => b.length - a.length) // longest first, so a form containing another wins
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

/** Redact every string (values and keys) inside a JSON-safe value. */
export function redactDeep(value: unknown, redact: Redactor): unknown {
  if (redact === noRedaction) return value;
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v, redact);
    return out;
  }
  return value;
}

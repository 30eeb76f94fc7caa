/**
 * Secret redaction for captured logs, error messages and results.
 *
 * Each secret is searched in the forms it leaks in [secret-forms.ts]: raw, JSON-escaped, inspected,
 * URL-encoded, hex, Buffer-printed, base64/base64url (alone, as HTTP Basic, or inside longer base64 text),
 * and any of those cut after its first MIN_PREFIX_LENGTH characters or more.
 *
 * Values shorter than MIN_SECRET_LENGTH are not redacted: a 1–3 character "secret" is not a real
 * credential, and replacing every "a" or "on" in every log line would make logs unreadable while
 * protecting nothing. Real API keys are far longer.
 */
import { secretForms } from './secret-forms';

export const REDACTED = '[REDACTED]';
export const MIN_SECRET_LENGTH = 4;

export type Redactor = (text: string) => string;

export const noRedaction: Redactor = (text) => text;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How many characters of `text` from `at` on agree with `tail`. */
function agreement(text: string, at: number, tail: string): number {
  let i = 0;
  while (i < tail.length && text.charCodeAt(at + i) === tail.charCodeAt(i)) i++;
  return i;
}

export function createRedactor(secrets: readonly string[]): Redactor {
  // head → the rest of each form with that head
  const tails = new Map<string, string[]>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    for (const { head, full } of secretForms(secret)) {
      const list = tails.get(head) ?? [];
      list.push(full.slice(head.length));
      tails.set(head, list);
    }
  }
  if (tails.size === 0) return noRedaction;
  const heads = [...tails.keys()].sort((a, b) => b.length - a.length); // longest first, so a form containing another wins
  const pattern = new RegExp(heads.map(escapeRegExp).join('|'), 'g');

  return (text) => {
    pattern.lastIndex = 0;
    let match = pattern.exec(text);
    if (match === null) return text;
    let out = '';
    let copied = 0;
    while (match !== null) {
      let end = match.index + match[0].length;
      let longest = 0;
      for (const tail of tails.get(match[0]) ?? []) longest = Math.max(longest, agreement(text, end, tail));
      end += longest;
      out += text.slice(copied, match.index) + REDACTED;
      copied = end;
      pattern.lastIndex = end;
      match = pattern.exec(text);
    }
    return out + text.slice(copied);
  };
}

/** An array of small integers that spells a secret is how JSON writes a returned Buffer or Uint8Array. */
function isByteArray(value: unknown[]): value is number[] {
  return value.length >= MIN_SECRET_LENGTH && value.every((v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255);
}

/** Redact every string (values and keys) inside a JSON-safe value. */
export function redactDeep(value: unknown, redact: Redactor): unknown {
  if (redact === noRedaction) return value;
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) {
    if (isByteArray(value)) {
      const joined = value.join(',');
      return redact(joined) === joined ? value : REDACTED;
    }
    return value.map((v) => redactDeep(v, redact));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v, redact);
    return out;
  }
  return value;
}

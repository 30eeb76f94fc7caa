/**
 * The shapes a secret leaks in, and the shortest piece of each shape that is redacted on its own.
 *
 * Each form is an encoding of the secret: as written, JSON-escaped, as util.inspect prints it,
 * URL-encoded (encodeURIComponent and form encoding), hex (both cases), as `<Buffer 73 6b …>` prints it and as
 * JSON writes a Buffer (`[115,107,…]`), base64 and base64url (padded or not), HTTP Basic `base64(secret + ":")`,
 * and the secret inside a longer base64 text: there it starts 0, 1 or 2 bytes into a 3-byte group, and
 * only the characters that depend on the secret's bytes alone are the same in every such text.
 *
 * A form is found from its head: the same encoding of the secret's first MIN_PREFIX_LENGTH characters
 * (a log line holding `key.slice(0, 10) + '…'` leaks that much). The redactor then extends the match as
 * far as the text keeps agreeing with the whole form. A URL's scheme and host are public, so for a secret
 * like a webhook URL the prefix counts from its path; else every URL to that host would be redacted.
 */
import { inspect } from 'node:util';

export const MIN_PREFIX_LENGTH = 8;
/** Shorter encodings (the middle of a short secret's base64) would match by chance in any base64 text. */
const MIN_FORM_LENGTH = 4;

export interface SecretForm {
  /** Found anywhere, it is redacted. */
  head: string;
  /** The whole form; after the head, as much of it as the text agrees with is redacted too. */
  full: string;
}

type Encoding = (secret: string) => string;

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const unquote = (quoted: string): string => quoted.slice(1, -1);
const hexPairs = (s: string): string[] => bytes(s).toString('hex').match(/../g) ?? [];

/** The base64 characters of `secret` that do not depend on the `offset` (0–2) bytes before it or on what follows. */
function base64Inside(secret: string, offset: number, alphabet: 'base64' | 'base64url'): string {
  const data = Buffer.concat([Buffer.alloc(offset), bytes(secret)]);
  const encoded = data.toString(alphabet);
  const start = [0, 2, 3][offset];
  const rest = data.length % 3;
  const end = Math.floor(data.length / 3) * 4 + [0, 1, 2][rest];
  return encoded.slice(start, end);
}

const ENCODINGS: readonly Encoding[] = [
  (s) => s,
  (s) => unquote(JSON.stringify(s)),
  (s) => unquote(inspect(s)),
  (s) => encodeURIComponent(s),
  (s) => new URLSearchParams({ s }).toString().slice(2),
  (s) => bytes(s).toString('hex'),
  (s) => bytes(s).toString('hex').toUpperCase(),
  (s) => hexPairs(s).join(' '),
  (s) => [...bytes(s)].join(','),
  (s) => bytes(s).toString('base64'),
  (s) => bytes(s).toString('base64url'),
  (s) => bytes(`${s}:`).toString('base64'),
  (s) => base64Inside(s, 1, 'base64'),
  (s) => base64Inside(s, 2, 'base64'),
  (s) => base64Inside(s, 1, 'base64url'),
  (s) => base64Inside(s, 2, 'base64url'),
];

/** Scheme and host of a URL-shaped secret (public); credentials in the authority are not. */
function publicHeadLength(secret: string): number {
  const url = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i.exec(secret);
  if (!url) return 0;
  return url[0].includes('@') ? url[0].indexOf('//') + 2 : url[0].length;
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

export function secretForms(secret: string): SecretForm[] {
  const prefix = secret.slice(0, publicHeadLength(secret) + MIN_PREFIX_LENGTH);
  const forms = new Map<string, SecretForm>();
  for (const encode of ENCODINGS) {
    const full = encode(secret);
    if (full.length < MIN_FORM_LENGTH || forms.has(full)) continue;
    const shared = commonPrefixLength(full, encode(prefix));
    // An encoding of the prefix that is not (mostly) a prefix of the whole form: only the whole form counts.
    const head = prefix.length < secret.length && shared >= MIN_PREFIX_LENGTH ? full.slice(0, shared) : full;
    forms.set(full, { head, full });
  }
  return [...forms.values()];
}

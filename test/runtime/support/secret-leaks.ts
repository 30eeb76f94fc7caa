/**
 * A secret and the transformed forms of it a function can leak (computed here, independently of the
 * redactor), a function that logs, returns and throws every one of them, and the fragments whose presence
 * in any output means a leak.
 */
export const LEAKY_SECRET = 'sk_live_Zq8v3Xw9/PmT4+rLa2';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
/** Base64 characters of the secret inside a longer base64 text, starting `offset` bytes into a group. */
function inside(offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset, 0x78), bytes(LEAKY_SECRET), bytes('tail')]).toString('base64');
  const n = LEAKY_SECRET.length + offset;
  return encoded.slice([0, 2, 3][offset], Math.floor(n / 3) * 4 + [0, 1, 2][n % 3]);
}

/** name → how that form of the secret looks. */
export const LEAKED_FORMS: Record<string, string> = {
  plain: LEAKY_SECRET,
  hex: bytes(LEAKY_SECRET).toString('hex'),
  hexUpper: bytes(LEAKY_SECRET).toString('hex').toUpperCase(),
  base64: bytes(LEAKY_SECRET).toString('base64'),
  base64Unpadded: bytes(LEAKY_SECRET).toString('base64').replace(/=+$/, ''),
  base64url: bytes(LEAKY_SECRET).toString('base64url'),
  urlEncoded: encodeURIComponent(LEAKY_SECRET),
  bufferInspect: bytes(LEAKY_SECRET).toString('hex').match(/../g)!.join(' '),
  insideBase64At0: inside(0),
  insideBase64At1: inside(1),
  insideBase64At2: inside(2),
  prefix9: LEAKY_SECRET.slice(0, 9),
};

/** Any 8 characters at the start or the end of a form (the prefix form: its first 8). */
export const LEAK_FRAGMENTS: string[] = Object.entries(LEAKED_FORMS).flatMap(([name, form]) =>
  name === 'prefix9' ? [form.slice(0, 8)] : [form.slice(0, 8), form.slice(-8)]);

export function leaksIn(text: string): string[] {
  return LEAK_FRAGMENTS.filter((fragment) => text.includes(fragment));
}

/**
 * Script-style function: console.logs each form (and a Buffer, as util.inspect prints it), returns them
 * all, or with `properties.mode = "throw"` throws them all in one message.
 */
export const LEAKY_FUNCTION = `
function forms(k) {
  var b = Buffer.from(k);
  var inside = [0, 1, 2].map(function (n) { return Buffer.concat([Buffer.alloc(n, 0x78), b, Buffer.from('tail')]).toString('base64'); });
  return {
    plain: k, hex: b.toString('hex'), hexUpper: b.toString('hex').toUpperCase(),
    base64Unpadded: b.toString('base64').replace(/=+$/, ''), base64url: b.toString('base64url'),
    urlEncoded: encodeURIComponent(k), bufferInspect: '<Buffer ' + b.toString('hex').match(/../g).join(' ') + '>',
    insideBase64At0: inside[0], insideBase64At1: inside[1], insideBase64At2: inside[2], prefix9: k.slice(0, 9) + '...',
  };
}
async function onTrack(event, settings) {
  var f = forms(settings.apiKey);
  Object.keys(f).forEach(function (name) { console.log(name, f[name]); });
  console.log(Buffer.from(settings.apiKey));
  if (event.properties && event.properties.mode === 'throw') throw new RetryError(JSON.stringify(f));
  return { forms: f, buffer: Buffer.from(settings.apiKey) };
}
`;

export const LEAKY_SETTINGS = { apiKey: { type: 'string', secret: true, required: true } };

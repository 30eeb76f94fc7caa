/**
 * `btoa`/`atob` for function code, compatible with what Segment functions expect.
 *
 * btoa:
 * - non-string input is converted with String() like a browser: btoa(undefined) === btoa('undefined')
 *   === 'dW5kZWZpbmVk', btoa(null) === 'bnVsbA==', btoa(123) === 'MTIz';
 * - a Buffer/typed array is encoded as its bytes (what the `btoa` npm package did);
 * - "binary" strings (every char <= 0xFF) encode one byte per char, exactly like a browser;
 * - a string with any char > 0xFF is encoded as UTF-8 instead of throwing InvalidCharacterError:
 *   `btoa(apiKey + ':')` with a non-Latin-1 key must not lose events to a thrown error, and UTF-8 is
 *   what any HTTP server decoding Basic credentials expects.
 * atob is lenient like the `atob` npm package (Buffer base64 decoding ignores invalid characters) and
 * returns a binary string (one char per byte).
 */
export function encodeBase64(input: unknown): string {
  if (ArrayBuffer.isView(input)) return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('base64');
  const text = String(input);
  // eslint-disable-next-line no-control-regex
  const latin1 = !/[^\u0000-\u00ff]/.test(text);
  return Buffer.from(text, latin1 ? 'latin1' : 'utf8').toString('base64');
}

export function decodeBase64(input: unknown): string {
  return Buffer.from(String(input), 'base64').toString('latin1');
}

export function btoa(input?: unknown): string {
  return encodeBase64(input);
}

export function atob(input?: unknown): string {
  return decodeBase64(input);
}

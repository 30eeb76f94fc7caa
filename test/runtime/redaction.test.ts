import { inspect } from 'node:util';
import { createRedactor, MIN_SECRET_LENGTH, REDACTED, redactDeep } from '../../runtime/settings/redact';
import { TmpFunctions } from './support/tmp-function';
import { track } from './support/events';
import { waitFor } from './support/wait-for';

const API_KEY = 'sk_live_51HxQ"quote\\slash';
const TOKEN = 'tok-€-unicode-0042';
const LIST_SECRET = 'list-secret-value';
const MAP_SECRET = 'map-secret-value';
const basic = (s: string) => Buffer.from(`${s}:`).toString('base64');
const ALL_FORMS = [API_KEY, TOKEN, LIST_SECRET, MAP_SECRET].flatMap((s) => [s, basic(s), Buffer.from(s).toString('base64')]);

describe('createRedactor', () => {
  test('raw, Basic base64(value + ":"), base64(value), JSON-escaped, inspected and URL-encoded forms', () => {
    const redact = createRedactor([API_KEY]);
    const samples = [
      `key=${API_KEY}`,
      `Authorization: Basic ${basic(API_KEY)}`,
      `b64=${Buffer.from(API_KEY).toString('base64')}`,
      JSON.stringify({ apiKey: API_KEY }),
      inspect({ apiKey: API_KEY }),
      `https://x.test/?k=${encodeURIComponent(API_KEY)}`,
    ];
    for (const sample of samples) {
      const out = redact(sample);
      expect(out).toContain(REDACTED);
      expect(out).not.toContain('sk_live_51HxQ');
      expect(out).not.toContain(basic(API_KEY).slice(0, 12));
    }
  });

  test(`values shorter than ${MIN_SECRET_LENGTH} characters are left alone (they would mangle every log line)`, () => {
    const redact = createRedactor(['abc', '', 'abcd']);
    expect(redact('abc abcd abcde')).toBe(`abc ${REDACTED} ${REDACTED}e`);
  });

  test('hex, base64 (unpadded, url), inside longer base64 at each alignment, Buffer-printed, JSON bytes, a prefix', () => {
    const secret = 'sk_live_Zq8v3Xw9/PmT4+rLa2';
    const redact = createRedactor([secret]);
    const b = Buffer.from(secret);
    const inside = (n: number) => Buffer.concat([Buffer.from('x'.repeat(n)), b, Buffer.from('tail!')]).toString('base64');
    const cases: Record<string, [string, string]> = {
      hex: [`h=${b.toString('hex')};`, `h=${REDACTED};`],
      hexUpper: [`h=${b.toString('hex').toUpperCase()};`, `h=${REDACTED};`],
      base64Unpadded: [`t=${b.toString('base64').replace(/=+$/, '')};`, `t=${REDACTED};`],
      base64url: [`t=${b.toString('base64url')};`, `t=${REDACTED};`],
      urlEncoded: [`?k=${encodeURIComponent(secret)}&x=1`, `?k=${REDACTED}&x=1`],
      formEncoded: [new URLSearchParams({ k: secret }).toString(), `k=${REDACTED}`],
      buffer: [inspect(b), `<Buffer ${REDACTED}>`],
      bufferJson: [JSON.stringify(b), `{"type":"Buffer","data":[${REDACTED}]}`],
      prefix8: [`key ${secret.slice(0, 8)}…`, `key ${REDACTED}…`],
      prefix12: [`key ${secret.slice(0, 12)}…`, `key ${REDACTED}…`],
    };
    for (const [name, [text, expected]] of Object.entries(cases)) expect({ name, out: redact(text) }).toEqual({ name, out: expected });
    for (const n of [3, 4, 5]) { // the secret starts 0, 1 and 2 bytes into a base64 group
      const out = redact(inside(n));
      expect(out).toContain(REDACTED);
      // 34 characters depend on the secret's 26 bytes alone; the 1–2 around them mix in bits of the neighbours
      expect(out.replace(REDACTED, '')).toHaveLength(inside(n).length - 34);
    }
    expect(redactDeep({ result: { type: 'Buffer', data: [...b] }, other: [1, 2, 3, 4] }, redact)).toEqual({ result: { type: 'Buffer', data: REDACTED }, other: [1, 2, 3, 4] });
  });

  test('a prefix shorter than 8 characters, or the public scheme and host of a URL secret, stay visible', () => {
    const redact = createRedactor(['sk_live_Zq8v3Xw9', 'https://hooks.slack.test/services/T0001/B0002/XyZsecret']);
    expect(redact('sk_live sk_live_Z')).toBe(`sk_live ${REDACTED}`);
    expect(redact('posting to https://hooks.slack.test/ and https://hooks.slack.test/servic')).toBe('posting to https://hooks.slack.test/ and https://hooks.slack.test/servic');
    expect(redact('https://hooks.slack.test/services/X0009')).toBe(`${REDACTED}X0009`); // 8 characters past the host
    expect(redact('posting to https://hooks.slack.test/services/T0001/B0002/XyZsecret!')).toBe(`posting to ${REDACTED}!`);
    expect(redact('an ordinary line, 0123456789abcdef, aGVsbG8gd29ybGQ=')).toBe('an ordinary line, 0123456789abcdef, aGVsbG8gd29ybGQ=');
  });

  test('no secrets: identity', () => {
    expect(createRedactor([])('anything')).toBe('anything');
  });
});

describe('redaction in outcomes', () => {
  const tmp = new TmpFunctions();
  afterAll(() => tmp.cleanup());

  const files = (body: string) => ({
    'function.json': {
      settings: {
        apiKey: { type: 'string', secret: true, required: true },
        token: { type: 'string', secret: true },
        keys: { type: 'array', secret: true },
        headersMap: { type: 'map', secret: true },
        channel: { type: 'string' },
      },
    },
    'index.js': `async function onTrack(event, settings) {
      const auth = 'Basic ' + btoa(settings.apiKey + ':');
      console.log('settings', settings);
      console.log(JSON.stringify(settings));
      console.log('auth header:', auth, 'token b64', btoa(unescape(encodeURIComponent(settings.token))));
      console.error(new Error('failed with ' + settings.apiKey));
      ${body}
    }`,
  });
  const values = { apiKey: API_KEY, token: TOKEN, keys: [LIST_SECRET], headersMap: { 'X-Key': MAP_SECRET }, channel: 'general' };

  const expectClean = (text: string) => {
    for (const form of ALL_FORMS) expect(text).not.toContain(form);
    for (const fragment of ['sk_live_51HxQ', 'tok-€-unicode', 'list-secret', 'map-secret']) expect(text).not.toContain(fragment);
  };

  test('a function that logs and returns its settings and Basic header leaks no secret', async () => {
    const instance = tmp.instance(files(`return { settings, auth, nested: [{ deep: settings.keys[0] }], [settings.headersMap['X-Key']]: 'as a key' };`), values);
    const outcome = await instance.invoke(track());
    expect(outcome.status).toBe('delivered');
    const text = JSON.stringify(outcome);
    expectClean(text);
    expect(outcome.logs.join('\n')).toContain(REDACTED);
    expect(outcome.logs.join('\n')).toContain('general'); // non-secret settings stay visible
    expect(outcome.result).toMatchObject({ settings: { apiKey: REDACTED, channel: 'general' }, auth: `Basic ${REDACTED}`, [REDACTED]: 'as a key' });
  });

  test('a function that throws its secrets leaks none in the error', async () => {
    for (const statement of [
      'throw new RetryError("401 for key " + settings.apiKey + " / " + auth);',
      'throw settings.token;',
      'throw { settings };',
    ]) {
      const outcome = await tmp.instance(files(statement), values).invoke(track());
      expect(outcome.status).toBe('retry');
      expectClean(JSON.stringify(outcome));
      expect(outcome.error?.message).toContain(REDACTED);
    }
  });

  test('the load log is redacted too (a load-time timer logging a secret it got from a handler)', async () => {
    const instance = tmp.instance({
      'function.json': { settings: { apiKey: { type: 'string', secret: true } } },
      'index.js': `var seen;
        console.log('loaded');
        setTimeout(function tick() { if (seen) console.log('late', seen); else setTimeout(tick, 5); }, 5);
        async function onTrack(e, s) { seen = s.apiKey; return 1; }`,
    }, { apiKey: API_KEY });
    await instance.invoke(track());
    await waitFor(() => instance.loadLogs.length === 2);
    expect(instance.loadLogs).toEqual(['loaded', `late ${REDACTED}`]);
  });
});

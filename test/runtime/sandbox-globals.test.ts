import { TmpFunctions } from './support/tmp-function';
import { track } from './support/events';
import { waitFor } from './support/wait-for';

const tmp = new TmpFunctions();
afterAll(() => tmp.cleanup());

/** A script-style function whose onTrack returns `expr` evaluated in the function's global scope. */
async function evalInScript(expr: string, prelude = ''): Promise<unknown> {
  const instance = tmp.instance({ 'index.js': `${prelude}\nasync function onTrack(event, settings) { return (${expr}); }\n` });
  const outcome = await instance.invoke(track());
  if (outcome.status !== 'delivered') throw new Error(`${outcome.error?.name}: ${outcome.error?.message}`);
  return outcome.result;
}

describe('script-style globals', () => {
  test.each([
    ['fetch', 'typeof fetch', 'function'],
    ['Request', 'new Request("http://x.test/a", { method: "POST" }).method', 'POST'],
    ['Response', 'new Response("hi").status', 200],
    ['Headers', 'new Headers({ "X-A": "1" }).get("x-a")', '1'],
    ['URL', 'new URL("/p?q=1", "https://example.com").href', 'https://example.com/p?q=1'],
    ['URLSearchParams', 'new URLSearchParams({ a: "1", b: "x y" }).toString()', 'a=1&b=x+y'],
    ['atob', 'atob("aGk=")', 'hi'],
    ['btoa', 'btoa("hi")', 'aGk='],
    ['_ (lodash 4)', '[_.VERSION.split(".")[0], _.get({ a: { b: 2 } }, "a.b"), _.chunk([1, 2, 3], 2)]', ['4', 2, [[1, 2], [3]]]],
    ['crypto (node)', 'crypto.createHash("sha256").update("x").digest("hex").slice(0, 8) + typeof crypto.createHmac + typeof crypto.randomUUID', '2d711642functionfunction'],
    ['Buffer', 'Buffer.from("hi").toString("base64")', 'aGk='],
    ['console', 'typeof console.log + typeof console.error + typeof console.warn + typeof console.info', 'functionfunctionfunctionfunction'],
    ['TextEncoder/TextDecoder', 'new TextDecoder().decode(new TextEncoder().encode("é"))', 'é'],
    ['structuredClone', 'structuredClone({ a: [1] })', { a: [1] }],
    ['JSON/Math/Date intrinsics', 'JSON.parse("[1]").length + Math.max(1, 2) + (new Date(0).getTime())', 3],
    ['error classes', '[new EventNotSupported("a").name, new InvalidEventPayload("b").name, new ValidationError("c").name, new RetryError("d").name, new RetryError("d") instanceof Error, new RetryError().message]',
      ['EventNotSupported', 'InvalidEventPayload', 'ValidationError', 'RetryError', true, 'Retryable error']],
    ['AWS (SDK v3 namespace)', 'typeof AWS.S3.S3Client + typeof AWS.SQS.SendMessageCommand + typeof AWS.DynamoDBDocument.DynamoDBDocumentClient', 'functionfunctionfunction'],
  ])('%s', async (_name, expr, expected) => {
    expect(await evalInScript(expr)).toEqual(expected);
  });

  test('timers: setTimeout/clearTimeout/setInterval/clearInterval', async () => {
    const result = await evalInScript(`await new Promise((resolve) => {
      const never = setTimeout(() => resolve('cleared timeout fired'), 5);
      clearTimeout(never);
      let ticks = 0;
      const id = setInterval(() => { if (++ticks === 3) { clearInterval(id); setTimeout(() => resolve(ticks), 20); } }, 1);
    })`);
    expect(result).toBe(3);
  });

  test('AWS names a package that is not installed', async () => {
    const instance = tmp.instance({ 'index.js': 'async function onTrack() { return AWS.Nonexistentservice; }' });
    const outcome = await instance.invoke(track());
    expect(outcome.error?.message).toBe('AWS.Nonexistentservice: the AWS SDK v3 package "@aws-sdk/client-nonexistentservice" is not installed');
  });

  test('no require, process, module, exports or global; globalThis is the function\'s own scope', async () => {
    expect(await evalInScript('[typeof require, typeof process, typeof module, typeof exports, typeof global, typeof __dirname]'))
      .toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
    expect(await evalInScript('[globalThis.fetch === fetch, typeof globalThis.process, Object.keys(globalThis).includes("onTrack"), this === globalThis]', 'var self = this;'))
      .toEqual([true, 'undefined', true, true]);
    expect(await evalInScript('self === globalThis', 'var self = this;')).toBe(true);
  });

  test('sloppy mode: assignment to an undeclared name creates a global', async () => {
    const instance = tmp.instance({
      'index.js': `
        async function onTrack(event) { lastEvent = event.event; return helper(); }
        function helper() { return typeof lastEvent + ':' + lastEvent + ':' + (function () { return this === globalThis; })(); }
      `,
    });
    expect((await instance.invoke(track())).result).toBe('string:Order Completed:true');
  });

  test('top-level code runs once at load (new URL, new Headers) and module state persists across calls', async () => {
    const instance = tmp.instance({
      'index.js': `
        const endpoint = new URL('https://api.example.com/v1/events');
        const baseHeaders = new Headers({ 'Content-Type': 'application/json' });
        var loads = (typeof loads === 'number' ? loads : 0) + 1;
        let calls = 0;
        const seen = [];
        console.log('loaded', endpoint.host);
        async function onTrack(event) {
          calls++;
          seen.push(event.messageId);
          return { host: endpoint.host, type: baseHeaders.get('content-type'), loads, calls, seen: seen.length };
        }
      `,
    });
    const first = await instance.invoke(track());
    const second = await instance.invoke(track());
    expect(first.result).toEqual({ host: 'api.example.com', type: 'application/json', loads: 1, calls: 1, seen: 1 });
    expect(second.result).toEqual({ host: 'api.example.com', type: 'application/json', loads: 1, calls: 2, seen: 2 });
    expect(instance.loadLogs).toEqual(['loaded api.example.com']);
  });

  test('handlers declared with const/let are found too; a TypeScript script keeps script semantics', async () => {
    const viaConst = tmp.instance({ 'index.js': 'const onTrack = async (e) => e.event;' });
    expect((await viaConst.invoke(track())).result).toBe('Order Completed');
    const ts = tmp.instance({
      'index.ts': `
        interface Settings { apiKey?: string }
        let counter: number = 0;
        async function onTrack(event: { event: string }, settings: Settings): Promise<string> {
          implicitTs = ++counter;
          return event.event + ':' + counter + ':' + typeof require + ':' + (globalThis as any).implicitTs;
        }
      `,
    });
    await ts.invoke(track());
    expect((await ts.invoke(track())).result).toBe('Order Completed:2:undefined:2');
  });

  test('functions are isolated from each other (separate globals, separate lodash)', async () => {
    const a = tmp.instance({ 'index.js': '_.mixin({ shout: (s) => s.toUpperCase() }); shared = "a"; async function onTrack() { return _.shout("x"); }' });
    const b = tmp.instance({ 'index.js': 'async function onTrack() { return [typeof _.shout, typeof shared]; }' });
    expect((await a.invoke(track())).result).toBe('X');
    expect((await b.invoke(track())).result).toEqual(['undefined', 'undefined']);
  });

  test('dispose() stops intervals started by the function', async () => {
    const instance = tmp.instance({ 'index.js': 'var ticks = 0; setInterval(() => { ticks++; }, 1); async function onTrack() { return ticks; }' });
    await waitFor(async () => ((await instance.invoke(track())).result as number) > 0);
    instance.dispose();
    const atDispose = (await instance.invoke(track())).result as number;
    await new Promise((r) => setTimeout(r, 20));
    expect(atDispose).toBeGreaterThan(0);
    expect((await instance.invoke(track())).result).toBe(atDispose);
  });
});

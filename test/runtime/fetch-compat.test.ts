import { TmpFunctions } from './support/tmp-function';
import { track } from './support/events';
import { closedPort, startServer, type TestServer } from './support/http-server';

const tmp = new TmpFunctions();
let server: TestServer;
beforeAll(async () => { server = await startServer(); });
afterAll(async () => { await server.close(); tmp.cleanup(); });
beforeEach(() => { server.requests.length = 0; });

/** Runs `body` as the body of a script-style onTrack with `settings.url` = the test server. */
async function run(body: string, settings: Record<string, unknown> = {}) {
  const instance = tmp.instance({
    'function.json': { settings: { url: { type: 'string' } } },
    'index.js': `async function onTrack(event, settings) {\n${body}\n}`,
  }, { url: server.url, ...settings });
  return instance.invoke(track());
}

describe('fetch (node-fetch 2 compatibility over Node fetch)', () => {
  test('accepts a URL object', async () => {
    const outcome = await run(`const res = await fetch(new URL('/from-url?x=1', settings.url)); return await res.json();`);
    expect(outcome.result).toEqual({ ok: true, method: 'GET' });
    expect(server.requests[0].url).toBe('/from-url?x=1');
  });

  test("lower-case methods are upper-cased, including 'patch'", async () => {
    const outcome = await run(`
      const methods = [];
      for (const method of ['post', 'patch', 'put', 'delete']) {
        const res = await fetch(settings.url + '/m', { method, body: method === 'delete' ? undefined : 'x' });
        methods.push((await res.json()).method);
      }
      return methods;`);
    expect(outcome.result).toEqual(['POST', 'PATCH', 'PUT', 'DELETE']);
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PUT', 'DELETE']);
  });

  test('plain-object headers and Headers objects; JSON body', async () => {
    const outcome = await run(`
      await fetch(settings.url + '/a', { method: 'post', headers: { 'Content-Type': 'application/json', 'X-Count': 3 }, body: JSON.stringify({ a: 1 }) });
      await fetch(settings.url + '/b', { method: 'post', headers: new Headers({ Authorization: 'Basic ' + btoa('key:') }), body: 'plain' });
      const res = await fetch(new Request(settings.url + '/c', { method: 'patch', body: 'r' }));
      return [res.ok, res.status, res.headers.get('content-type'), (await res.buffer()).length > 0];`);
    expect(outcome.result).toEqual([true, 200, 'application/json', true]);
    const [a, b, c] = server.requests;
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.headers['x-count']).toBe('3');
    expect(a.body).toBe('{"a":1}');
    expect(b.headers.authorization).toBe('Basic a2V5Og==');
    expect(b.body).toBe('plain');
    expect(c.method).toBe('PATCH');
  });

  test('a refused connection rejects with a FetchError naming the URL and the reason', async () => {
    const port = await closedPort();
    const outcome = await run(`
      try { await fetch('http://127.0.0.1:${port}/x', { method: 'post', body: '{}' }); return 'no error'; }
      catch (err) { return { name: err.name, message: err.message, code: err.code, type: err.type, isError: err instanceof Error }; }`);
    expect(outcome.result).toEqual({
      name: 'FetchError',
      message: `request to http://127.0.0.1:${port}/x failed, reason: connect ECONNREFUSED 127.0.0.1:${port}`,
      code: 'ECONNREFUSED',
      type: 'system',
      isError: true,
    });
  });

  test('an unresolvable host rejects with a FetchError naming the host (uncaught: classified as error, retried)', async () => {
    const outcome = await run(`await fetch('http://nonexistent.invalid/'); return 'no error';`);
    expect(outcome.status).toBe('retry');
    expect(outcome.reason).toBe('error');
    expect(outcome.error?.name).toBe('FetchError');
    expect(outcome.error?.message).toMatch(/^request to http:\/\/nonexistent\.invalid\/ failed, reason: getaddrinfo (ENOTFOUND|EAI_AGAIN) nonexistent\.invalid$/);
  });

  test("node-fetch's timeout option and the caller's own abort signal", async () => {
    const hanging = await startServer(() => { /* never answers */ });
    try {
      const outcome = await run(`
        const out = [];
        try { await fetch('${hanging.url}/slow', { timeout: 50 }); } catch (err) { out.push(err.name + ': ' + err.message); }
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 20);
        try { await fetch('${hanging.url}/slow', { signal: controller.signal }); } catch (err) { out.push(err.name, err instanceof Error); }
        return out;`);
      expect(outcome.result).toEqual([`FetchError: network timeout at: ${hanging.url}/slow`, 'AbortError', true]);
    } finally {
      await hanging.close();
    }
  });

  test('an invalid URL is a TypeError of the function realm', async () => {
    const outcome = await run(`try { await fetch('not a url'); } catch (err) { return [err.name, err instanceof TypeError]; }`);
    expect(outcome.result).toEqual(['TypeError', true]);
  });
});

/**
 * An event whose last request failed (429, 5xx, no answer) and whose handler then threw a plain Error, as
 * hand-written functions often do (`if (!res.ok) throw new Error(…)`), is marked as the destination's trouble, so
 * delivery control backs off as it does for a RetryError. A plain Error with no failed request is the function's own.
 */
import { createServer } from 'node:net';
import { TmpFunctions } from './support/tmp-function';
import { track } from './support/events';
import { startServer, type TestServer } from './support/http-server';

const tmp = new TmpFunctions();
let server: TestServer;
let deadUrl: string;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const status = Number(new URL(req.url, 'http://x').searchParams.get('status') ?? 200);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{}');
  });
  // A port nothing listens on: taken, then released.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  deadUrl = `http://127.0.0.1:${(probe.address() as { port: number }).port}/`;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => { await server.close(); tmp.cleanup(); });

const instance = () => tmp.instance({
  'function.json': { settings: { url: { type: 'string' } } },
  'index.js': `
    async function onTrack(event, settings) {
      const p = event.properties;
      for (const url of p.urls) {
        try {
          const res = await fetch(url.replace('SERVER', settings.url), { method: 'POST', body: '{}' });
          if (!res.ok && p.throwOnStatus) throw new Error('the API answered ' + res.status);
        } catch (err) {
          if (err.message.startsWith('the API answered')) throw err;
          if (p.rethrowFetchError) throw new Error('could not reach the API');
        }
      }
      if (p.bug) null.x;
      return 'ok';
    }`,
}, { url: server.url });

test('a plain Error right after a 503, a 429 or no answer is the destination\'s trouble', async () => {
  const fn = instance();
  for (const status of [503, 429, 500]) {
    const outcome = await fn.invoke(track({ properties: { urls: [`SERVER/?status=${status}`], throwOnStatus: true } }));
    expect(outcome).toMatchObject({ status: 'retry', reason: 'error', error: { name: 'Error', message: `the API answered ${status}` }, destinationFailed: true });
  }
  const unreachable = await fn.invoke(track({ properties: { urls: [deadUrl], rethrowFetchError: true } }));
  expect(unreachable).toMatchObject({ status: 'retry', error: { message: 'could not reach the API' }, destinationFailed: true });
});

test('a plain Error with no failed request, or after one that then succeeded, is the function\'s own', async () => {
  const fn = instance();
  const bug = await fn.invoke(track({ properties: { urls: ['SERVER/?status=200'], bug: true } }));
  expect(bug).toMatchObject({ status: 'retry', error: { name: 'TypeError' } });
  expect(bug.destinationFailed).toBeUndefined();
  const recovered = await fn.invoke(track({ properties: { urls: ['SERVER/?status=503', 'SERVER/?status=200'], bug: true } }));
  expect(recovered.destinationFailed).toBeUndefined();
  const refused = await fn.invoke(track({ properties: { urls: ['SERVER/?status=404'], throwOnStatus: true } }));
  expect(refused.destinationFailed).toBeUndefined(); // a 4xx other than 429 is about the request, not the load
  const delivered = await fn.invoke(track({ properties: { urls: ['SERVER/?status=503'] } }));
  expect(delivered).toMatchObject({ status: 'delivered' });
  expect(delivered.destinationFailed).toBeUndefined();
});

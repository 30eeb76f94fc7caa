/** The connections the sandbox's fetch keeps: let go before the destination closes them, never left open by an unread body. */
import { spawn, type ChildProcess } from 'node:child_process';
import { getEventListeners, once } from 'node:events';
import http, { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compatFetch } from '../../runtime/sandbox/fetch';
import { dropIdleAfterPause } from '../../runtime/sandbox/keep-alive-agents';
import { EventScope, eventScopes } from '../../runtime/invocation/event-scope';
import { createRedactor } from '../../runtime/settings/redact';
import { track } from './support/events';
import { TmpFunctions } from './support/tmp-function';

/**
 * A destination in its own process that answers with `Keep-Alive: timeout=2` and closes the connection 2 s after its
 * answer, as it said it would (written on net, so it does not depend on the Node version's own server margin).
 */
const DESTINATION = `
const net = require('node:net');
const server = net.createServer((socket) => {
  socket.on('data', () => {
    socket.write('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: keep-alive\\r\\nKeep-Alive: timeout=2\\r\\n\\r\\nok');
    clearTimeout(socket.idle);
    socket.idle = setTimeout(() => socket.destroy(), 2000);
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

let destination: ChildProcess;
let url: string;

beforeAll(async () => {
  destination = spawn(process.execPath, ['-e', DESTINATION], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = (await once(destination.stdout!, 'data')) as [Buffer];
  url = `http://127.0.0.1:${String(port).trim()}/`;
});
afterAll(() => { destination.kill(); });

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) { /* a busy function worker or Lambda */ }
}

test("a kept-alive connection is let go before the destination's Keep-Alive timeout, so a busy worker never reuses one the destination is closing", async () => {
  expect(await (await compatFetch(url, { method: 'POST', body: '{}' })).text()).toBe('ok');
  // The next request is made while the process is busy across the moment the destination closes the connection: its
  // close is not read yet. Node's agent without a timeout of its own ignores the header and reuses that connection
  // (ECONNRESET); honouring it, the connection was let go 1 s before.
  await new Promise((resolve) => setTimeout(resolve, 1_800));
  blockEventLoop(500);
  const response = await compatFetch(url, { method: 'POST', body: '{}' });
  expect(await response.text()).toBe('ok');
});

test("an agent unused for longer than its idle limit drops its idle connections before its next request (a Lambda thawed: its timers have not run yet)", async () => {
  let opened = 0;
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
  server.on('connection', () => { opened++; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const post = (agent: http.Agent) => compatFetch(local, { method: 'POST', body: '{}', agent }).then((r) => r.text());
  try {
    const agent = dropIdleAfterPause(new http.Agent({ keepAlive: true }), 50);
    expect(await post(agent)).toBe('ok');
    expect(await post(agent)).toBe('ok');
    expect(opened).toBe(1);
    blockEventLoop(100); // frozen past the limit: the next request comes first
    expect(await post(agent)).toBe('ok');
    expect(opened).toBe(2);
    expect(await post(agent)).toBe('ok');
    expect(opened).toBe(2);

    const plain = new http.Agent({ keepAlive: true }); // what it guards against: the old connection is reused
    await post(plain);
    blockEventLoop(100);
    await post(plain);
    expect(opened).toBe(3);
    plain.destroy();
    agent.destroy();
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a scope that never ends (the load scope, where timers set at load fetch) does not keep every request it made', async () => {
  const server = createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const scope = new EventScope(createRedactor([]));
    for (let i = 0; i < 300; i++) {
      await eventScopes.run(scope, async () => (await compatFetch(local, { method: 'POST', body: '{}' })).text());
    }
    expect((scope as unknown as { requests: unknown[] }).requests.length).toBeLessThanOrEqual(64);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("a long-lived signal of the function's own collects no listener per request; aborting it still aborts one in flight", async () => {
  const server = createServer((req, res) => { req.resume(); req.on('end', () => { if (req.url !== '/hang') res.end('ok'); }); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const own = new AbortController();
    for (let i = 0; i < 50; i++) {
      const scope = new EventScope(createRedactor([]));
      await eventScopes.run(scope, async () => (await compatFetch(`${local}/`, { method: 'POST', body: '{}', signal: own.signal })).text());
      scope.end();
    }
    expect(getEventListeners(own.signal, 'abort')).toHaveLength(0);
    for (const bad of ['not a url', 'http://127.0.0.1:1/']) {
      await expect(eventScopes.run(new EventScope(createRedactor([])), () => compatFetch(bad, { signal: own.signal }))).rejects.toThrow();
    }
    expect(getEventListeners(own.signal, 'abort')).toHaveLength(0);

    const scope = new EventScope(createRedactor([]));
    const hanging = eventScopes.run(scope, () => compatFetch(`${local}/hang`, { method: 'POST', body: '{}', signal: own.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(getEventListeners(own.signal, 'abort')).toHaveLength(1);
    own.abort();
    await expect(hanging).rejects.toMatchObject({ name: 'AbortError' });
    expect(getEventListeners(own.signal, 'abort')).toHaveLength(0);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("a response the function leaves unread (node-fetch reads ~64 KB of it)", () => {
  const tmp = new TmpFunctions();
  let server: Server;
  let base: string;
  let opened = 0;
  const finished: string[] = [];
  const BIG = 'x'.repeat(256 * 1024);

  beforeAll(async () => {
    server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.on('finish', () => finished.push(req.url ?? ''));
        if (req.url === '/slow') setTimeout(() => res.end('late'), 300);
        else if (req.url !== '/never') res.end(BIG);
      });
    });
    server.on('connection', () => { opened++; });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    tmp.cleanup();
  });
  beforeEach(() => { opened = 0; finished.length = 0; });

  const openConnections = () => new Promise<number>((resolve) => { server.getConnections((_, n) => resolve(n)); });
  const instance = (body: string) => tmp.instance({
    'function.json': { settings: { url: { type: 'string' } } },
    'index.js': `async function onTrack(event, settings) {\n${body}\n}`,
  }, { url: base });

  test('is dropped with its connection when the handler is done: one open connection per event before, until the destination closed it', async () => {
    const fn = instance(`const res = await fetch(settings.url + '/big', { method: 'POST', body: '{}' }); return res.status;`);
    for (let i = 0; i < 20; i++) expect(await fn.invoke(track())).toMatchObject({ status: 'delivered', result: 200 });
    await waitFor(async () => (await openConnections()) === 0);
    expect(await openConnections()).toBe(0);
  });

  test("is dropped too when the function's fetch passes a signal of its own", async () => {
    const fn = instance(`const res = await fetch(settings.url + '/big', { method: 'POST', body: '{}', signal: new AbortController().signal }); return res.status;`);
    for (let i = 0; i < 20; i++) expect(await fn.invoke(track())).toMatchObject({ status: 'delivered', result: 200 });
    await waitFor(async () => (await openConnections()) === 0);
    expect(await openConnections()).toBe(0);
  });

  test("a request with a signal of the function's own is still ended by the event's timeout", async () => {
    const fn = tmp.instance({
      'function.json': { settings: { url: { type: 'string' } }, timeoutSeconds: 0.2 },
      'index.js': `async function onTrack(event, settings) {\n  const res = await fetch(settings.url + '/never', { method: 'POST', body: '{}', signal: new AbortController().signal });\n  return res.status;\n}`,
    }, { url: base });
    expect(await fn.invoke(track())).toMatchObject({ status: 'retry', reason: 'timeout', error: { name: 'TimeoutError' } });
    await waitFor(async () => (await openConnections()) === 0);
    expect(await openConnections()).toBe(0);
  });

  test('a body the handler reads keeps its connection for the next event', async () => {
    const fn = instance(`const res = await fetch(settings.url + '/big', { method: 'POST', body: '{}' }); return (await res.text()).length;`);
    for (let i = 0; i < 20; i++) expect(await fn.invoke(track())).toMatchObject({ status: 'delivered', result: BIG.length });
    expect(opened).toBe(1);
  });

  test('a request not answered when the handler returns (fire and forget) goes on', async () => {
    const fn = instance(`fetch(settings.url + '/slow', { method: 'POST', body: '{}' }); return 'sent';`);
    expect(await fn.invoke(track())).toMatchObject({ status: 'delivered', result: 'sent' });
    await waitFor(async () => finished.includes('/slow'));
    expect(finished).toEqual(['/slow']);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}

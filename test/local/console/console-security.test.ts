/**
 * The console is safe by default (issue 12 §3, issue 11.1, 11.5): every console request needs the token (cookie from
 * ?token=, or the header), on loopback too; POSTs need the header; other origins are refused; the token is kept in the
 * data dir (0600) across restarts; and no answer holds a secret in any form.
 */
import { statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { testEngine, waitFor } from '../helpers/engine';
import { tempProject } from '../helpers/functions';
import { startSink } from '../helpers/sink';
import { secretForms } from '../../../runtime/settings/secret-forms';
import { api, consoleEngine, SECRET, writeConsoleFunctions } from './console-fixture';

const fx = consoleEngine();

const track = { type: 'track', userId: 'u-1', event: 'Order Completed', properties: { total: 1 } };

/** A raw request: Node's fetch would not let us set Host or Origin freely. */
function raw(port: number, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('POST without the token is 401; with the cookie but no or a wrong header 403; neither runs anything', async () => {
  const before = fx.sink.requests.length;
  for (const token of [null, 'wrong', `${fx.engine.token}x`]) {
    const res = await api(fx.engine, '/api/functions/hooks/run', { body: { event: track, network: 'real' }, token });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ code: 'no-token' });
    expect((await api(fx.engine, '/api/dlq/discard', { body: { function: 'hooks' }, token })).status).toBe(401);
    // The page's cookie proves the token for GETs; a POST also needs the header (CSRF): 403 makes the page refresh it.
    const headers = { cookie: `destfn_token=${fx.engine.token}` };
    const withCookie = await api(fx.engine, '/api/functions/hooks/run', { body: { event: track, network: 'real' }, token, headers });
    expect(withCookie.status).toBe(403);
    expect(withCookie.json).toMatchObject({ code: 'bad-token' });
    expect((await api(fx.engine, '/api/dlq/discard', { body: { function: 'hooks' }, token, headers })).status).toBe(403);
  }
  expect(fx.sink.requests.length).toBe(before);
  expect((await api(fx.engine, '/api/functions/hooks/run', { body: { event: track } })).status).toBe(200);
});

test('the page carries the token; GET answers carry no CORS header; preflights and foreign origins are refused', async () => {
  const page = await fetch(`${fx.engine.url}/`, { headers: { 'x-destfn-token': fx.engine.token } });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(`<meta name="destfn-token" content="${fx.engine.token}">`);
  const functions = await api(fx.engine, '/api/functions');
  expect(functions.headers.get('access-control-allow-origin')).toBeNull();
  const preflight = await raw(fx.engine.port, 'OPTIONS', '/api/functions/hooks/run', {
    origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-destfn-token, content-type',
  });
  expect(preflight.status).toBe(403);
  expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  const foreign = await raw(fx.engine.port, 'GET', '/api/functions', { origin: 'http://evil.example' });
  expect(foreign.status).toBe(403);
  const own = await raw(fx.engine.port, 'GET', '/api/functions', { origin: `http://127.0.0.1:${fx.engine.port}`, host: `127.0.0.1:${fx.engine.port}`, 'x-destfn-token': fx.engine.token });
  expect(own.status).toBe(200);
  expect((await raw(fx.engine.port, 'GET', '/api/functions', { host: `evil.example:${fx.engine.port}` })).status).toBe(403);
});

test('no answer of the console API, the stream included, holds the secret, in any form (plain, base64, hex, URL-encoded, prefixes…)', async () => {
  const controller = new AbortController();
  const stream = await fetch(`${fx.engine.url}/api/stream`, { signal: controller.signal, headers: { cookie: `destfn_token=${fx.engine.token}` } });
  let streamed = '';
  const reading = (async () => {
    try {
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) streamed += Buffer.from(chunk).toString('utf8');
    } catch { /* aborted */ }
  })();
  // Make every kind of record exist: a delivery, a failure with logs, a run with a request and an error.
  await fetch(`${fx.engine.url}/v1/track`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${fx.engine.writeKey}:`).toString('base64')}` },
    body: JSON.stringify({ ...track, messageId: 'sec-1' }),
  });
  const run = await api(fx.engine, '/api/functions/hooks/run', { body: { event: { ...track, properties: { boom: true } }, network: 'real' } });
  const bodies = [run.text];
  for (const path of ['/api/functions', '/api/functions/hooks/samples', '/api/deliveries', '/api/deliveries/hooks/sec-1', '/api/dlq', '/api/rejected', '/api/sink', '/api/engine', '/api/session', '/']) {
    bodies.push((await api(fx.engine, path)).text);
  }
  await waitFor('the stream pushed the delivery and the functions body', () => streamed.includes('sec-1') && streamed.includes('event: functions'), 10_000);
  controller.abort();
  await reading;
  bodies.push(streamed);
  const forms = secretForms(SECRET).map((f) => f.full);
  expect(forms.length).toBeGreaterThan(5);
  for (const body of bodies) for (const form of [...forms, SECRET.slice(0, 12)]) expect(body.includes(form) ? form : null).toBeNull();
  expect(bodies.join('\n')).toContain('[REDACTED]');
});

test('on loopback too, every console request needs the token: GET /, /api/session, /api/functions… without it are 401; ?token= sets the cookie', async () => {
  const host = `127.0.0.1:${fx.engine.port}`;
  for (const path of ['/', '/api/session', '/api/functions', '/api/deliveries', '/console/app.js', '/api/stream']) {
    const res = await raw(fx.engine.port, 'GET', path, { host });
    expect({ path, status: res.status }).toEqual({ path, status: 401 });
    expect(res.body).not.toContain(fx.engine.token);
  }
  for (const token of ['wrong', `${fx.engine.token}x`]) {
    expect((await raw(fx.engine.port, 'GET', '/api/session', { host, 'x-destfn-token': token })).status).toBe(401);
    expect((await raw(fx.engine.port, 'GET', '/api/session', { host, cookie: `destfn_token=${token}` })).status).toBe(401);
  }
  expect((await raw(fx.engine.port, 'GET', '/?token=wrong', { host })).status).toBe(401);
  // What escaped function code would try: read the token, then run another function with its settings overridden.
  const run = await raw(fx.engine.port, 'POST', '/api/functions/hooks/run', { host, 'content-type': 'application/json' });
  expect(run.status).toBe(401);

  const login = await raw(fx.engine.port, 'GET', `/?token=${encodeURIComponent(fx.engine.token)}`, { host });
  expect(login.status).toBe(303);
  expect(login.headers.location).toBe('/');
  const cookie = String(login.headers['set-cookie']);
  expect(cookie).toMatch(/^destfn_token=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
  const session = cookie.split(';')[0];
  const page = await raw(fx.engine.port, 'GET', '/', { host, cookie: session });
  expect(page.status).toBe(200);
  expect(page.body).toContain(`<meta name="destfn-token" content="${fx.engine.token}">`);
  const sessionApi = await raw(fx.engine.port, 'GET', '/api/session', { host, cookie: session });
  expect(sessionApi.status).toBe(200);
  expect(JSON.parse(sessionApi.body)).toMatchObject({ token: fx.engine.token });
  expect((await raw(fx.engine.port, 'GET', '/api/functions', { host, cookie: session })).status).toBe(200);
  expect((await raw(fx.engine.port, 'GET', '/api/functions', { host, 'x-destfn-token': fx.engine.token })).status).toBe(200);
  // The cookie alone does not make a POST (CSRF): the header is needed.
  expect((await raw(fx.engine.port, 'POST', '/api/dlq/discard', { host, cookie: session, 'content-type': 'application/json' })).status).toBe(403);
  // Ingest and the dev endpoints keep their own rules.
  expect((await raw(fx.engine.port, 'GET', '/health', { host })).status).toBe(200);
  expect((await raw(fx.engine.port, 'GET', '/_sink', { host })).status).toBe(200);
});

test('the token is kept in the data dir (console-token, 0600): a restart reuses it; an explicit token overrides it', async () => {
  const project = tempProject('destfn-console-token-');
  try {
    const first = await testEngine(project);
    const token = first.token;
    await first.stop();
    const file = join(project.dataDir, 'console-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(token.length).toBeGreaterThanOrEqual(32);

    const second = await testEngine(project);
    try {
      expect(second.token).toBe(token);
      const login = await raw(second.port, 'GET', `/?token=${encodeURIComponent(token)}`, { host: `127.0.0.1:${second.port}` });
      expect(login.status).toBe(303);
    } finally {
      await second.stop();
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const chosen = 'an-explicit-console-token-0123';
    const third = await testEngine(project, { token: chosen });
    try {
      expect(third.token).toBe(chosen);
      expect((await raw(third.port, 'GET', '/api/session', { host: `127.0.0.1:${third.port}`, 'x-destfn-token': token })).status).toBe(401);
    } finally {
      await third.stop();
    }
    const fourth = await testEngine(project);
    try {
      expect(fourth.token).toBe(token); // the explicit one was not stored
    } finally {
      await fourth.stop();
    }
  } finally {
    project.cleanup();
  }
});

test('off loopback: a warning, and every console request needs the token (?token= sets an HttpOnly cookie); ingest is unaffected', async () => {
  const project = tempProject('destfn-console-open-');
  const sink = await startSink();
  writeConsoleFunctions(project, sink.url);
  const lines: string[] = [];
  const open = await testEngine(project, { host: '0.0.0.0', quiet: false, print: (line) => lines.push(line) });
  try {
    expect(lines.join('\n')).toMatch(/not only loopback.*dev console needs its token/);
    const host = `127.0.0.1:${open.port}`;
    for (const path of ['/', '/api/functions', '/api/session', '/console/app.js', '/api/stream']) {
      expect({ path, status: (await raw(open.port, 'GET', path, { host })).status }).toEqual({ path, status: 401 });
    }
    expect((await raw(open.port, 'GET', '/?token=wrong', { host })).status).toBe(401);
    const login = await raw(open.port, 'GET', `/?token=${open.token}`, { host });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^destfn_token=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
    const session = cookie.split(';')[0];
    expect((await raw(open.port, 'GET', '/', { host, cookie: session })).status).toBe(200);
    expect((await raw(open.port, 'GET', '/api/functions', { host, cookie: session })).status).toBe(200);
    // The cookie alone does not make a POST: the header is still needed (CSRF).
    expect((await raw(open.port, 'POST', '/api/dlq/discard', { host, cookie: session, 'content-type': 'application/json' })).status).toBe(403);
    expect((await raw(open.port, 'GET', '/health', { host })).status).toBe(200);
  } finally {
    await open.stop();
    await sink.close();
    project.cleanup();
  }
});

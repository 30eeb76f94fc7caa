/** DNS rebinding: the engine answers only requests whose Host names it; a non-loopback bind prints a warning. */
import http from 'node:http';
import type { Engine } from '../../runtime/local/engine';
import { basicAuth, storedCounts, testEngine, track } from './helpers/engine';
import { copyWebhook, tempProject, type TempProject } from './helpers/functions';

let project: TempProject;
let engine: Engine;
const notices: string[] = [];

beforeAll(async () => {
  project = tempProject();
  copyWebhook(project.functionsDir, 'webhook', 'http://127.0.0.1:9/hook');
  engine = await testEngine(project, { prewarm: false, quiet: false, print: (line) => notices.push(line) });
});
afterAll(async () => {
  await engine.stop();
  project.cleanup();
});

/** A request to 127.0.0.1:<port> with the given Host header (fetch cannot set Host). */
function request(port: number, method: string, path: string, host: string | null, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json', authorization: basicAuth(engine.writeKey) };
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    if (host !== null) req.setHeader('host', host);
    req.on('error', reject);
    req.end(body);
  });
}

test('localhost, 127.0.0.1 and [::1] with the engine\'s port are answered', async () => {
  for (const host of [`localhost:${engine.port}`, `127.0.0.1:${engine.port}`, `[::1]:${engine.port}`, `LOCALHOST:${engine.port}`]) {
    expect({ host, status: (await request(engine.port, 'GET', '/health', host)).status }).toEqual({ host, status: 200 });
  }
});

test('another name, or the right name with another port, is refused with 403 before anything is read or queued', async () => {
  const before = { ...engine.stats };
  for (const host of [`evil.example:${engine.port}`, 'evil.example', `localhost:${engine.port + 1}`, 'localhost', `127.0.0.1.evil.example:${engine.port}`, `localhost.:${engine.port}`]) {
    const answer = await request(engine.port, 'POST', '/v1/track', host, JSON.stringify(track(`rebind-${host}`)));
    expect({ host, status: answer.status }).toEqual({ host, status: 403 });
    expect(JSON.parse(answer.body)).toEqual({ success: false, error: expect.stringContaining('Host') });
    expect((await request(engine.port, 'GET', '/', host)).status).toBe(403);
    expect((await request(engine.port, 'OPTIONS', '/v1/t', host)).status).toBe(403);
  }
  expect(engine.stats.requests).toBe(before.requests);
  expect(storedCounts(engine).messages).toBe(0);
});

test('the default (loopback) bind prints no warning; --host 0.0.0.0 does, and still answers 127.0.0.1 and refuses other names', async () => {
  expect(notices.filter((line) => /loopback/.test(line))).toEqual([]);
  const other = tempProject();
  const lines: string[] = [];
  const open = await testEngine(other, { host: '0.0.0.0', quiet: false, print: (line) => lines.push(line) });
  try {
    expect(lines.join('\n')).toMatch(/listening on 0\.0\.0\.0, not only loopback/);
    expect((await request(open.port, 'GET', '/health', `127.0.0.1:${open.port}`)).status).toBe(200);
    expect((await request(open.port, 'GET', '/health', `evil.example:${open.port}`)).status).toBe(403);
  } finally {
    await open.stop();
    other.cleanup();
  }
});

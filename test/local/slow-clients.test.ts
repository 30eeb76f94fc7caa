/** Slow clients cannot hold the engine's sockets: header, whole-request and idle timeouts, and a connection cap. */
import net from 'node:net';
import type { Engine } from '../../runtime/local/engine';
import { DEFAULT_HTTP_LIMITS } from '../../runtime/local/server';
import { testEngine } from './helpers/engine';
import { tempProject, type TempProject } from './helpers/functions';

let project: TempProject;
let engine: Engine;
const limits = { headersTimeoutMs: 800, requestTimeoutMs: 1000, keepAliveTimeoutMs: 500, maxConnections: 3 };

beforeAll(async () => {
  project = tempProject();
  engine = await testEngine(project, { prewarm: false, http: limits });
});
afterAll(async () => {
  await engine.stop();
  project.cleanup();
});

interface Client { socket: net.Socket; received(): string; closed: Promise<number> }

/** A raw TCP client: what it was answered, and when (ms after connecting) the server closed it. */
function connect(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(engine.port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
    socket.on('error', () => undefined);
    socket.once('connect', () => { socket.off('error', reject); resolve({ socket, received: () => text, closed }); });
    socket.once('error', reject);
  });
}

/** Writes `parts` one every `everyMs` until the socket closes. */
function trickle(socket: net.Socket, parts: string[], everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= parts.length) return clearInterval(timer);
    socket.write(parts[i++]);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

const HEAD = (host: string, length: number) => `POST /_sink/slow HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/plain\r\nContent-Length: ${length}\r\n\r\n`;

test('the defaults are the documented ones', () => {
  expect(DEFAULT_HTTP_LIMITS).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1024 });
});

test('a client sending its body a byte at a time is answered 408 and cut off at the request timeout', async () => {
  const client = await connect();
  client.socket.write(HEAD(`127.0.0.1:${engine.port}`, 1000));
  trickle(client.socket, Array.from({ length: 1000 }, () => 'x'), 100);
  const closedAfter = await client.closed;
  expect(closedAfter).toBeLessThan(2500);
  expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  expect(engine.sink.count).toBe(0);
});

test('a client sending its headers a line at a time is answered 408 and cut off at the headers timeout', async () => {
  const client = await connect();
  const lines = ['POST /_sink/slow HTTP/1.1\r\n', ...Array.from({ length: 100 }, (_, i) => `X-Slow-${i}: 1\r\n`)];
  trickle(client.socket, lines, 100);
  const closedAfter = await client.closed;
  expect(closedAfter).toBeLessThan(2500);
  expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
});

test('a client that connects and sends nothing is cut off too', async () => {
  const client = await connect();
  expect(await client.closed).toBeLessThan(2500);
});

test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
  const client = await connect();
  client.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${engine.port}\r\n\r\n`);
  const closedAfter = await client.closed;
  expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
  expect(closedAfter).toBeLessThan(2000);
});

test('connections over the cap are refused while the earlier ones still work', async () => {
  const held = await Promise.all(Array.from({ length: limits.maxConnections }, () => connect()));
  const extra = await connect();
  expect(await extra.closed).toBeLessThan(500);
  expect(extra.received()).toBe('');
  for (const client of held) client.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${engine.port}\r\nConnection: close\r\n\r\n`);
  await Promise.all(held.map((client) => client.closed));
  for (const client of held) expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
  // Once they are gone, new connections are served again.
  const later = await connect();
  later.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${engine.port}\r\nConnection: close\r\n\r\n`);
  await later.closed;
  expect(later.received()).toMatch(/^HTTP\/1\.1 200 /);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { compatFetch } from '../../runtime/sandbox/fetch';

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

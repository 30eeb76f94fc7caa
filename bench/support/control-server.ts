/** A bench child's control endpoint on 127.0.0.1: GET answers `state()` as JSON, POST runs `act()` (e.g. "go"). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startControlServer(state: () => unknown, act: () => void = () => undefined): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') act();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(state()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

/** Asks a child's control endpoint (GET, or POST with `post`). */
export async function askChild<T>(port: number, post = false): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { method: post ? 'POST' : 'GET' });
  return await res.json() as T;
}

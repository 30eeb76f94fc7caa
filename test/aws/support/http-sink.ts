/** A real HTTP destination on 127.0.0.1: answers by path (/ok 200, /fail 503, /bad 400, /busy 429 Retry-After: 7) and records every request. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest { path: string; headers: Record<string, string | string[] | undefined>; body: string; /** Date.now() at arrival. */ at: number }

export interface HttpSink {
  url: string;
  requests: SinkRequest[];
  count(path: string): number;
  close(): Promise<void>;
}

const STATUS: Record<string, number> = { '/ok': 200, '/fail': 503, '/bad': 400, '/busy': 429 };

export async function startHttpSink(): Promise<HttpSink> {
  const requests: SinkRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const status = STATUS[path] ?? 404;
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '7' } : {}) });
      res.end(JSON.stringify(status === 200 ? { ok: true, received: requests.length } : { error: `status ${status}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

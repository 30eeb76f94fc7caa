/** A real HTTP sink on 127.0.0.1 for the engine's functions to deliver to. */
import http from 'node:http';

export interface SinkRequest { path: string; headers: http.IncomingHttpHeaders; body: string; json: unknown }

export interface Sink {
  url: string;
  requests: SinkRequest[];
  /** Parsed bodies' messageIds, in arrival order. */
  messageIds(): string[];
  /** How many requests carried this messageId. */
  count(messageId: string): number;
  /** Decide the answer: status code (and optional body) for each request. */
  respond(fn: (req: SinkRequest, index: number) => number): void;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const requests: SinkRequest[] = [];
  const counts = new Map<string, number>();
  let decide: (req: SinkRequest, index: number) => number = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try { json = JSON.parse(body); } catch { /* not JSON */ }
      const entry: SinkRequest = { path: req.url ?? '/', headers: req.headers, body, json };
      requests.push(entry);
      const id = (json as { messageId?: unknown } | null)?.messageId;
      if (typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1);
      const status = decide(entry, requests.length - 1);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status < 300 ? { ok: true } : { error: `sink says ${status}` }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    messageIds: () => requests.map((r) => (r.json as { messageId?: string } | null)?.messageId).filter((x): x is string => typeof x === 'string'),
    count: (id) => counts.get(id) ?? 0,
    respond(fn) { decide = fn; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/**
 * The HTTP destination of the benches: a plain node http server on 127.0.0.1 (keep-alive) answering 200
 * {"ok":true}, counting deliveries and distinct messageIds, and recording each event's ingest→delivered
 * latency from the send timestamp the load generator put in `properties.sentAtMs` (same process, same clock).
 * With `delayMs`, each request is answered that long after it arrived (a destination with that latency).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Sink {
  url: string;
  /** Requests answered. */
  count: number;
  /** Distinct messageIds seen. */
  readonly distinct: number;
  /** Latencies in ms (arrival - properties.sentAtMs), in arrival order. */
  latencies: number[];
  firstAt: number;
  lastAt: number;
  /** Requests arrived and not yet answered, now and at most since the last reset (the destination's concurrency). */
  inFlight: number;
  peakInFlight: number;
  reset(): void;
  /** Resolves once `n` requests have arrived (or rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export const now = (): number => performance.timeOrigin + performance.now();

export async function startSink(options: { delayMs?: number } = {}): Promise<Sink> {
  const ids = new Set<string>();
  let waiter: { n: number; resolve: () => void } | null = null;
  const sink: Sink = {
    url: '',
    count: 0,
    get distinct() { return ids.size; },
    latencies: [],
    firstAt: 0,
    lastAt: 0,
    inFlight: 0,
    peakInFlight: 0,
    reset() { this.count = 0; ids.clear(); this.latencies = []; this.firstAt = 0; this.lastAt = 0; this.peakInFlight = this.inFlight; },
    waitFor(n, timeoutMs) {
      if (sink.count >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => { waiter = null; reject(new Error(`sink: ${sink.count}/${n} deliveries after ${timeoutMs} ms`)); }, timeoutMs);
        waiter = { n, resolve: () => { clearTimeout(timer); waiter = null; resolve(); } };
      });
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    sink.inFlight++;
    sink.peakInFlight = Math.max(sink.peakInFlight, sink.inFlight);
    req.on('end', () => {
      const at = now();
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messageId?: string; properties?: { sentAtMs?: number } };
        if (typeof event.messageId === 'string') ids.add(event.messageId);
        const sent = event.properties?.sentAtMs;
        if (typeof sent === 'number') sink.latencies.push(at - sent);
      } catch { /* counted anyway */ }
      const answer = () => {
        sink.inFlight--;
        if (sink.count === 0) sink.firstAt = at;
        sink.count++;
        sink.lastAt = now();
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
        res.end('{"ok":true}');
        if (waiter && sink.count >= waiter.n) waiter.resolve();
      };
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}

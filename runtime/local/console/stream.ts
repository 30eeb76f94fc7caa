/**
 * `GET /api/stream`: Server-Sent Events to the open console pages. `retry:` makes the browser reconnect by itself
 * after an engine restart; the first event, `hello`, names the engine start (a new engineId ⇒ refetch everything).
 * The hub does nothing while no page listens: `onActive` tells the console to subscribe to the engine or not.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const RECONNECT_MS = 1000;
export const PING_MS = 15_000;

export class StreamHub {
  private readonly clients = new Set<ServerResponse>();
  private ping: NodeJS.Timeout | null = null;

  constructor(private readonly hello: () => unknown, private readonly onActive: (active: boolean) => void, private readonly pingMs = PING_MS) {}

  get listening(): boolean { return this.clients.size > 0; }

  open(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' });
    res.write(`retry: ${RECONNECT_MS}\n\n${frame('hello', this.hello())}`);
    this.clients.add(res);
    if (this.clients.size === 1) {
      this.ping = setInterval(() => this.write(': ping\n\n'), this.pingMs);
      this.ping.unref();
      this.onActive(true);
    }
    const gone = () => this.drop(res);
    req.on('close', gone);
    res.on('close', gone);
  }

  send(event: string, data: unknown): void {
    if (this.clients.size > 0) this.write(frame(event, data));
  }

  /** Ends every stream (engine stop): the pages reconnect to the next engine. */
  close(): void {
    for (const res of [...this.clients]) {
      res.end();
      this.drop(res);
    }
  }

  private write(text: string): void {
    for (const res of this.clients) if (!res.destroyed) res.write(text);
  }

  private drop(res: ServerResponse): void {
    if (!this.clients.delete(res) || this.clients.size > 0) return;
    if (this.ping) clearInterval(this.ping);
    this.ping = null;
    this.onActive(false);
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

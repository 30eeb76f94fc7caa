/** Small HTTP helpers of the local server: a capped body reader and JSON/HTML answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Past the cap the rest of the body is read and thrown away up to this much, then the socket is cut. */
const MAX_DISCARD_BYTES = 8 * 1024 * 1024;

export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true };

/** Collect a request body of at most `cap` bytes; `done` is called exactly once. */
export function readBody(req: IncomingMessage, cap: number, done: (result: BodyResult) => void): void {
  const declared = Number(req.headers['content-length']);
  let finished = false;
  const finish = (result: BodyResult) => {
    if (finished) return;
    finished = true;
    done(result);
  };
  if (Number.isFinite(declared) && declared > cap) {
    discard(req);
    finish({ ok: false, tooLarge: true });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > cap) {
      req.off('data', onData);
      chunks.length = 0;
      discard(req, size);
      finish({ ok: false, tooLarge: true });
      return;
    }
    chunks.push(chunk);
  };
  req.on('data', onData);
  req.on('end', () => finish({ ok: true, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) }));
  // An aborted request has no one to answer; just never call back twice.
  req.on('error', () => { finished = true; });
}

/** Keep reading (and dropping) what the client still sends so it gets to read our answer. */
function discard(req: IncomingMessage, already = 0): void {
  let dropped = already;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > MAX_DISCARD_BYTES) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

/** Node gives lower-case header names; join the rare repeated ones. */
export function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

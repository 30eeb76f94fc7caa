/** HTTP plumbing of the plane: read a body, answer JSON or XML, forward a request to an emulator. */
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

export function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'x-amzn-requestid': randomUUID() });
  res.end(xml);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export interface Upstream { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

/** Sends the request to an emulator on 127.0.0.1 and returns its whole answer. */
export function forward(port: number, req: IncomingMessage, body: Buffer, host = `127.0.0.1:${port}`): Promise<Upstream> {
  const headers = { ...req.headers, host, 'content-length': String(body.length) };
  return new Promise((resolve, reject) => {
    const out = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers }, (answer) => {
      readBody(answer).then((data) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: data }), reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

export function relay(res: ServerResponse, upstream: Upstream, body: Buffer = upstream.body): void {
  const headers: Record<string, string | string[] | undefined> = { ...upstream.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  delete headers.connection;
  res.writeHead(upstream.status, headers);
  res.end(body);
}

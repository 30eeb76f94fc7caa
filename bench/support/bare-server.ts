/**
 * The ingest bench's baseline: a bare node http server (its own process) that reads the request body and
 * answers 200 {"success":true}. Prints {"url"} when listening; exits when stdin closes.
 * BENCH_BUSY_US=<n>: spin n µs of CPU before answering (calibration: what n µs of work per request costs).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = '{"success":true}';
const BUSY_NS = Number(process.env.BENCH_BUSY_US ?? 0) * 1000;

function busy(): void {
  const start = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - start) < BUSY_NS) { /* spin */ }
}

const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    Buffer.concat(chunks);
    if (BUSY_NS > 0) busy();
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

/**
 * DNS rebinding guard: a page on another site cannot make a browser talk to the engine through a name it
 * controls (that name resolving to 127.0.0.1), since the request then carries that name in `Host`. Allowed:
 * localhost, 127.0.0.1, [::1], the address the connection came in on, and the name the engine was bound to,
 * each with the engine's port.
 */
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether the request's Host names this engine. `boundHost` is the `--host` given, if any. */
export function allowedHost(req: IncomingMessage, boundHost: string | undefined): boolean {
  const header = req.headers.host;
  // HTTP/1.0 has no Host; rebinding needs a browser, and every browser sends one.
  if (header === undefined) return true;
  const port = req.socket.localPort;
  const names = new Set(LOOPBACK_NAMES);
  const local = req.socket.localAddress;
  if (local) names.add(bracketed(local.replace(/^::ffff:/, '')));
  if (boundHost && boundHost !== '0.0.0.0' && boundHost !== '::') names.add(bracketed(boundHost));
  const host = header.toLowerCase();
  for (const name of names) {
    const lower = name.toLowerCase();
    if (host === `${lower}:${port}` || (port === 80 && host === lower)) return true;
  }
  return false;
}

function bracketed(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

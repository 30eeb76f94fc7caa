/** Listening on loopback (IPv4, and IPv6 when the machine has it) and closing gracefully. */
import type http from 'node:http';

function listenOne(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => { server.off('listening', onListening); reject(err); };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Listen with `create()`d servers: on `host` when given, else on 127.0.0.1 and (best effort, same
 * port) ::1, so http://localhost:<port> works whichever address `localhost` resolves to first.
 */
export async function listen(servers: http.Server[], create: () => http.Server, port: number, host?: string): Promise<number> {
  const first = create();
  const actual = await listenOne(first, port, host ?? '127.0.0.1');
  servers.push(first);
  if (host === undefined) {
    const second = create();
    try {
      await listenOne(second, actual, '::1');
      servers.push(second);
    } catch { /* no IPv6 loopback here */ }
  }
  return actual;
}

/** Stop accepting, let requests being answered finish (briefly), then cut what is left. */
export async function closeServers(servers: http.Server[], graceMs = 2000): Promise<void> {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => { clearTimeout(timer); resolve(); });
    server.closeIdleConnections();
  })));
}

/**
 * The connections function code's `fetch` keeps alive. An idle one is let go after IDLE_CONNECTION_MS (undici's
 * default), or 1 s before the destination's `Keep-Alive: timeout=N` when that is sooner: Node's agent honours that
 * header only when it has a timeout of its own, and without one a busy worker could send on a connection the
 * destination had just closed (ECONNRESET).
 *
 * That timeout is a timer, and a timer cannot fire while the process does not run: on Lambda the process is frozen
 * between invocations, and after a thaw the first request can start before the timers run, on a connection the
 * destination closed meanwhile. So an agent unused for longer than that also drops its idle connections before
 * its next request.
 */
import http from 'node:http';
import https from 'node:https';

export const IDLE_CONNECTION_MS = 4_000;

type AddRequest = (req: http.ClientRequest, options: unknown, ...legacy: unknown[]) => void;

/** `agent`, which drops its idle connections when it has had no request start or end for `idleMs`. */
export function dropIdleAfterPause<A extends http.Agent>(agent: A, idleMs: number, now: () => number = Date.now): A {
  let lastUsed = now();
  const target = agent as unknown as { addRequest: AddRequest };
  const addRequest = target.addRequest;
  target.addRequest = function (this: A, req, options, ...legacy) {
    const at = now();
    if (at - lastUsed > idleMs) {
      for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
    }
    lastUsed = at;
    addRequest.call(this, req, options, ...legacy);
  };
  agent.on('free', () => { lastUsed = now(); });
  return agent;
}

const httpAgent = dropIdleAfterPause(new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }), IDLE_CONNECTION_MS);
const httpsAgent = dropIdleAfterPause(new https.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }), IDLE_CONNECTION_MS);

/** node-fetch's `agent` option: the shared agent for the URL's protocol. */
export const keepAliveAgent = (url: URL): http.Agent => (url.protocol === 'https:' ? httpsAgent : httpAgent);

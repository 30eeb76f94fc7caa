/**
 * `fetch` for function code: Node's fetch (undici, keep-alive) with node-fetch 2 compatibility,
 * because Segment functions were written against node-fetch 2:
 * - input may be a string, a `URL` object or a `Request`;
 * - every method is upper-cased (Node's fetch leaves `patch` lower-case, which servers reject);
 * - headers may be a plain object or a `Headers`;
 * - network failures reject with a `FetchError` whose message is
 *   `request to <url> failed, reason: <cause>` (e.g. `getaddrinfo ENOTFOUND foo`);
 * - node-fetch's non-standard `timeout` option (ms) rejects with FetchError `network timeout at: <url>`;
 * - responses also have node-fetch's `buffer()`.
 * The current event's abort signal (its timeout) is combined with the caller's own signal.
 */
import { currentScope } from '../invocation/event-scope';
import { FetchError, networkFailure } from './fetch-error';

type CompatInit = RequestInit & { timeout?: number; duplex?: 'half' };

export async function compatFetch(input: unknown, init?: CompatInit | null): Promise<Response> {
  const request = input instanceof Request ? input : undefined;
  const url = request ? request.url : String(input);
  const options: CompatInit = { ...(init ?? {}) };

  const method = options.method ?? request?.method;
  if (typeof method === 'string' && method !== method.toUpperCase()) options.method = method.toUpperCase();

  const signals: AbortSignal[] = [];
  const eventSignal = currentScope()?.signal;
  if (eventSignal) signals.push(eventSignal);
  const ownSignal = options.signal ?? request?.signal;
  if (ownSignal) signals.push(ownSignal);
  const timeoutMs = typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : 0;
  const timeoutSignal = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
  if (timeoutSignal) signals.push(timeoutSignal);
  delete options.timeout;
  if (signals.length) options.signal = signals.length === 1 ? signals[0] : AbortSignal.any(signals);

  if (isStream(options.body)) options.duplex = 'half'; // node-fetch accepted Node streams as bodies

  try {
    const response = await fetch(request ?? url, options);
    Object.defineProperty(response, 'buffer', {
      value: async () => Buffer.from(await response.arrayBuffer()),
      configurable: true,
    });
    return response;
  } catch (err) {
    const href = normalizedUrl(url);
    if (timeoutSignal?.aborted && !eventSignal?.aborted && !ownSignal?.aborted) {
      throw new FetchError(`network timeout at: ${href}`, 'request-timeout');
    }
    throw networkFailure(err, href) ?? err;
  }
}

function isStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && typeof (body as { pipe?: unknown }).pipe === 'function';
}

function normalizedUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

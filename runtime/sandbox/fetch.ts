/**
 * `fetch` for function code: node-fetch 2 itself, because Segment functions were written against it
 * (URL objects, lower-case methods upper-cased, plain-object headers, `timeout`, `res.buffer()`,
 * `FetchError: request to <url> failed, reason: <cause>`). It is also ~2.5× cheaper per request
 * than Node's built-in fetch (undici) here (bench/RESULTS.md), which is what bounds delivery
 * throughput. Connections are kept alive (keep-alive-agents.ts). Each request of an event gets the event's abort
 * (its timeout, and its unread body dropped when the handler is done); the caller's own signal is followed into it.
 */
import nodeFetch, { Headers, Request, Response, type RequestInit } from 'node-fetch';
import { parseRetryAfter } from '../delivery/retry-after';
import { currentScope, type ScopedRequest } from '../invocation/event-scope';
import type { FetchAbortSignal } from '../invocation/fetch-abort-signal';
import { currentRunObserver, type FetchCall } from '../invocation/run-observer';
import { FetchError } from './fetch-error';
import { keepAliveAgent } from './keep-alive-agents';

export { Headers, Request, Response };

type CompatInit = RequestInit & { signal?: AbortSignal | null };

export function compatFetch(input: unknown, init?: CompatInit | null): Promise<Response> {
  // The dev console's Run watches (and by default answers) the function's requests.
  const observer = currentRunObserver();
  if (observer?.fetch) return observer.fetch(input, init, nodeFetchCall as FetchCall) as Promise<Response>;
  return nodeFetchCall(input, init);
}

async function nodeFetchCall(input: unknown, init?: CompatInit | null): Promise<Response> {
  const options: CompatInit = { ...(init ?? {}) };
  if (options.agent === undefined) options.agent = keepAliveAgent;

  const scope = currentScope();
  const ownSignal = options.signal ?? (input instanceof Request ? ((input as { signal?: AbortSignal | null }).signal ?? null) : null);
  let eventSignal: FetchAbortSignal | undefined;
  let request: ScopedRequest | undefined;
  if (scope) {
    // node-fetch takes this cheaper form as a signal (invocation/fetch-abort-signal.ts).
    request = scope.requestSignal();
    eventSignal = request.signal;
    if (ownSignal) follow(ownSignal, eventSignal);
    options.signal = eventSignal as unknown as AbortSignal;
  }

  try {
    const response = await nodeFetch(input instanceof URL ? input.href : (input as string | Request), options as RequestInit);
    if (request) request.answered = true;
    // Kept for a RetryError the handler throws next (invocation/outcome-of.ts).
    if (scope) {
      scope.fetchRetryAfterMs = response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : null;
      scope.lastFetchFailed = response.status === 429 || response.status >= 500;
    }
    return response;
  } catch (err) {
    eventSignal?.release();
    if (scope) scope.lastFetchFailed = true;
    // The event timed out: say so (node-fetch would only say "The user aborted a request.").
    if (eventSignal?.aborted && !ownSignal?.aborted) throw eventSignal.reason;
    throw fromNodeFetchError(err);
  }
}

/** The caller's signal aborts the request too; its listener goes when the request is over, so a long-lived signal collects none. */
function follow(own: AbortSignal, signal: FetchAbortSignal): void {
  if (own.aborted) return signal.abort(own.reason);
  const forward = () => signal.abort(own.reason);
  own.addEventListener('abort', forward, { once: true });
  signal.whenDone(() => own.removeEventListener('abort', forward));
}

interface NodeFetchError { name?: unknown; message?: unknown; type?: unknown; code?: unknown }

/**
 * node-fetch's FetchError, re-created as our class (so the sandbox can adopt it into its realm).
 * A refused connection with Node's happy-eyeballs arrives as an AggregateError with an empty
 * message: then the reason is the error code.
 */
function fromNodeFetchError(err: unknown): unknown {
  const e = err as NodeFetchError;
  if (typeof err !== 'object' || err === null || e.name !== 'FetchError' || typeof e.message !== 'string') return err;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = e.message.endsWith('reason: ') && code ? `${e.message}${code}` : e.message;
  return new FetchError(message, typeof e.type === 'string' ? e.type : 'system', code);
}

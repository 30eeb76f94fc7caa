/**
 * The per-event (or per-load) context, found through AsyncLocalStorage by the sandbox's `console`
 * and `fetch`: console output lands in that event's log buffer, and the event's timeout aborts its
 * in-flight fetches. Each fetch gets a light FetchAbortSignal of its own (a signal the function passes is followed
 * into it, sandbox/fetch.ts).
 *
 * When the handler is done, an answer whose body it left unread is dropped (`end`): node-fetch reads only ~64 KB of
 * a body nobody reads, and its connection then stayed open, one per event, until the destination closed it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { FetchAbortSignal } from './fetch-abort-signal';
import { LogBuffer } from './log-capture';
import type { Redactor } from '../settings/redact';

/** One fetch of the event: its abort, and whether its response has reached the handler. */
export interface ScopedRequest { signal: FetchAbortSignal; answered: boolean }

export class EventScope {
  readonly logs: LogBuffer;
  /** Set once the event is aborted (its timeout): a fetch it starts afterwards is aborted at once. */
  private abortedWith: { reason: unknown } | undefined;
  private requests: ScopedRequest[] | undefined;
  private compactAt = 64;
  /** Retry-After (ms) of the event's last fetch response if it was a 429 or 503, else null. */
  fetchRetryAfterMs: number | null = null;
  /** The event's last fetch got a 429 or a 5xx, or no answer at all: an error the handler throws next is the destination's trouble. */
  lastFetchFailed = false;

  constructor(redact: Redactor) {
    this.logs = new LogBuffer(redact);
  }

  /**
   * The event's abort for one fetch, in the cheaper form node-fetch takes
   * (fetch-abort-signal.ts); the caller sets `answered` when its response is handed to the handler.
   */
  requestSignal(): ScopedRequest {
    const request: ScopedRequest = { signal: new FetchAbortSignal(), answered: false };
    if (this.abortedWith) {
      request.signal.abort(this.abortedWith.reason);
    } else {
      this.requests ??= [];
      // A scope that never ends (the load scope, where timers set at load run) forgets the requests that are over,
      // each time the list has doubled (so an event with thousands of fetches in flight does not filter on each).
      if (this.requests.length >= this.compactAt) {
        this.requests = this.requests.filter((r) => !r.answered || r.signal.listened);
        this.compactAt = Math.max(64, 2 * this.requests.length);
      }
      this.requests.push(request);
    }
    return request;
  }

  /** Abort in-flight fetches, and any fetch the handler still starts afterwards. */
  abort(reason: unknown): void {
    this.abortedWith ??= { reason };
    for (const { signal } of this.requests ?? []) signal.abort(reason);
    this.requests = undefined;
  }

  /** The handler is done: the bodies it left unread are dropped with their connections. Requests not answered yet go on. */
  end(): void {
    if (!this.requests) return;
    let reason: Error | undefined; // made only when needed: an Error captures a stack, a cost on every event
    for (const { signal, answered } of this.requests) {
      if (answered && signal.listened) signal.abort(reason ??= new Error('the event ended without reading this response'));
    }
    this.requests = undefined;
  }
}

export const eventScopes = new AsyncLocalStorage<EventScope>();

export function currentScope(): EventScope | undefined {
  return eventScopes.getStore();
}

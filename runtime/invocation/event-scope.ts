/**
 * The per-event (or per-load) context, found through AsyncLocalStorage by the sandbox's `console`
 * and `fetch`: console output lands in that event's log buffer, and the event's timeout aborts its
 * in-flight fetches. The AbortController is created only when the event actually fetches with a signal of its
 * own (or times out); other fetches get the lighter FetchAbortSignal.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { FetchAbortSignal } from './fetch-abort-signal';
import { LogBuffer } from './log-capture';
import type { Redactor } from '../settings/redact';

export class EventScope {
  readonly logs: LogBuffer;
  private controller: AbortController | undefined;
  private light: FetchAbortSignal | undefined;
  /** Retry-After (ms) of the event's last fetch response if it was a 429 or 503, else null. */
  fetchRetryAfterMs: number | null = null;
  /** The event's last fetch got a 429 or a 5xx, or no answer at all: an error the handler throws next is the destination's trouble. */
  lastFetchFailed = false;

  constructor(redact: Redactor) {
    this.logs = new LogBuffer(redact);
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** The same abort, in the cheaper form node-fetch takes (fetch-abort-signal.ts), for fetches without a signal of their own. */
  get fetchSignal(): FetchAbortSignal {
    this.light ??= new FetchAbortSignal();
    if (this.controller?.signal.aborted) this.light.abort(this.controller.signal.reason);
    return this.light;
  }

  /** Abort in-flight fetches, and any fetch the handler still starts afterwards. */
  abort(reason: unknown): void {
    this.controller ??= new AbortController();
    this.controller.abort(reason);
    this.light?.abort(reason);
  }
}

export const eventScopes = new AsyncLocalStorage<EventScope>();

export function currentScope(): EventScope | undefined {
  return eventScopes.getStore();
}

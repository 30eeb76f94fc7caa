/**
 * The per-event (or per-load) context, found through AsyncLocalStorage by the sandbox's `console`
 * and `fetch`: console output lands in that event's log buffer, and the event's timeout aborts its
 * in-flight fetches. The AbortController is created only when the event actually fetches.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LogBuffer } from './log-capture';
import type { Redactor } from '../settings/redact';

export class EventScope {
  readonly logs: LogBuffer;
  private controller: AbortController | undefined;
  /** Retry-After (ms) of the event's last fetch response if it was a 429 or 503, else null. */
  fetchRetryAfterMs: number | null = null;

  constructor(redact: Redactor) {
    this.logs = new LogBuffer(redact);
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** Abort in-flight fetches, and any fetch the handler still starts afterwards. */
  abort(reason: unknown): void {
    this.controller ??= new AbortController();
    this.controller.abort(reason);
  }
}

export const eventScopes = new AsyncLocalStorage<EventScope>();

export function currentScope(): EventScope | undefined {
  return eventScopes.getStore();
}

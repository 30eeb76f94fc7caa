/**
 * Calls a handler inside its event scope and answers within the timeout. A handler that hangs is
 * not stopped (it cannot be), but its event ends as timed out and its fetches are aborted. A handler that settles
 * ends its scope (the responses it left unread are dropped).
 */
import { TimeoutError } from '../api/errors';
import { eventScopes, type EventScope } from './event-scope';
import { currentRunObserver } from './run-observer';

/** How a handler call ended: what it returned (or resolved to), or what it threw (or rejected with, or the timeout). */
export type HandlerResult = { ok: true; value: unknown } | { ok: false; thrown: unknown };

export function runGuarded(scope: EventScope, timeoutMs: number, timeoutMessage: string, call: () => unknown): Promise<HandlerResult> {
  const observer = currentRunObserver();
  return observer?.thrown ? guarded(scope, timeoutMs, timeoutMessage, call).then((result) => {
    if (!result.ok) observer.thrown?.(result.thrown);
    return result;
  }) : guarded(scope, timeoutMs, timeoutMessage, call);
}

function guarded(scope: EventScope, timeoutMs: number, timeoutMessage: string, call: () => unknown): Promise<HandlerResult> {
  const startedAt = performance.now();
  let pending: unknown;
  try {
    pending = eventScopes.run(scope, call);
  } catch (thrown) {
    return Promise.resolve({ ok: false, thrown });
  }
  if (!isThenable(pending)) return Promise.resolve({ ok: true, value: pending });

  return new Promise<HandlerResult>((resolve) => {
    const remaining = Math.max(0, timeoutMs - (performance.now() - startedAt));
    const timer = setTimeout(() => {
      const thrown = new TimeoutError(timeoutMessage);
      scope.abort(thrown);
      resolve({ ok: false, thrown });
    }, remaining);
    pending.then(
      (value) => { clearTimeout(timer); scope.end(); resolve({ ok: true, value }); },
      (thrown: unknown) => { clearTimeout(timer); scope.end(); resolve({ ok: false, thrown }); },
    );
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
    && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * The global scope of function code (both styles): a `vm` context.
 *
 * Segment's set: fetch Request Response Headers URL URLSearchParams atob btoa _ (lodash 4)
 * crypto (Node's module) AWS Buffer console setTimeout clearTimeout setInterval clearInterval and
 * the error classes; plus the web-platform basics Node offers (TextEncoder, structuredClone, …).
 * Deliberately absent: require, process, module, exports, global — Segment gives none, and on Lambda
 * `process.env` holds credentials. The context's own intrinsics (Object, JSON, Promise, Error,
 * globalThis…) come from the vm.
 * This is scoping, not a security boundary: the host objects above (and the context's global itself)
 * lead back to the host realm's `Function`, hence to `process`. The boundary is the process this runs
 * in: locally a worker process of the function's own under Node's permission model
 * (runtime/local/worker-launch.ts, worker-lockdown.ts), on AWS the function's own Lambda.
 */
import * as nodeCrypto from 'node:crypto';
import vm from 'node:vm';
import type { LoDashStatic } from 'lodash';
import type { LogBuffer } from '../invocation/log-capture';
import { createAwsNamespace } from './aws';
import { atob, btoa } from './base64';
import { createSandboxConsole } from './console';
import { compatFetch, Headers, Request, Response } from './fetch';
import { installRealmErrors } from './realm-errors';
import { createSandboxTimers } from './timers';

export interface Sandbox {
  readonly context: vm.Context;
  /** Clears the timers and intervals the function code created. */
  dispose(): void;
}

/** @param fallbackLog where console output goes outside any event (the instance's load log). */
export function createSandbox(name: string, fallbackLog: () => LogBuffer): Sandbox {
  const console = createSandboxConsole(fallbackLog);
  const timers = createSandboxTimers((error) => console.error('Uncaught error in a timer:', error));
  // Like a timer's, a microtask's throw would otherwise be uncaught and take the worker down.
  const containedMicrotask = (callback: () => void) => queueMicrotask(() => {
    try { callback(); } catch (error) { console.error('Uncaught error in a microtask:', error); }
  });
  const context = vm.createContext({
    Request,
    Response,
    Headers,
    FormData,
    Blob,
    URL,
    URLSearchParams,
    AbortController,
    AbortSignal,
    TextEncoder,
    TextDecoder,
    structuredClone,
    queueMicrotask: containedMicrotask,
    performance,
    atob,
    btoa,
    crypto: nodeCrypto,
    AWS: createAwsNamespace(),
    Buffer,
    console,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    setInterval: timers.setInterval,
    clearInterval: timers.clearInterval,
    setImmediate: timers.setImmediate,
    clearImmediate: timers.clearImmediate,
  }, { name: `destfn:${name}` });
  defineLazyLodash(context);

  const errors = installRealmErrors(context);
  Object.assign(context, errors.globals);
  context.fetch = (input: unknown, init?: Parameters<typeof compatFetch>[1]) => compatFetch(input, init).catch((err: unknown) => { throw errors.adopt(err); });
  return { context, dispose: () => timers.dispose() };
}

/**
 * `_` is a private lodash (`_.mixin` in one function does not leak into another), built on first use:
 * loading lodash and `runInContext()` cost ~20 ms of a cold start, and most functions never touch `_`.
 * The accessor turns into a plain data property on first read or write, so reads, assignments,
 * `var _`/`function _` declarations, `typeof _` and `delete _` behave as for any other global (only
 * a property descriptor taken before the first use shows the accessor).
 */
function defineLazyLodash(context: vm.Context): void {
  const settle = (value: unknown) => {
    Object.defineProperty(context, '_', { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(context, '_', {
    get: () => settle((require('lodash') as LoDashStatic).runInContext()),
    set: settle,
    enumerable: true,
    configurable: true,
  });
}

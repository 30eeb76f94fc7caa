/**
 * The global scope of function code (both styles): a `vm` context.
 *
 * Segment's set: fetch Request Response Headers URL URLSearchParams atob btoa _ (lodash 4)
 * crypto (Node's module) AWS Buffer console setTimeout clearTimeout setInterval clearInterval and
 * the error classes; plus the web-platform basics Node offers (TextEncoder, structuredClone, …).
 * Deliberately absent: require, process, module, exports, global — Segment gives none, and on Lambda
 * `process.env` holds credentials. The context's own intrinsics (Object, JSON, Promise, Error,
 * globalThis…) come from the vm. This is scoping, not a security boundary: the author owns the code.
 */
import * as nodeCrypto from 'node:crypto';
import vm from 'node:vm';
import lodash from 'lodash';
import type { LogBuffer } from '../log-capture';
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
  const timers = createSandboxTimers();
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
    queueMicrotask,
    performance,
    atob,
    btoa,
    _: lodash.runInContext(), // a private lodash: `_.mixin` in one function does not leak into another
    crypto: nodeCrypto,
    AWS: createAwsNamespace(),
    Buffer,
    console: createSandboxConsole(fallbackLog),
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    setInterval: timers.setInterval,
    clearInterval: timers.clearInterval,
    setImmediate: timers.setImmediate,
    clearImmediate: timers.clearImmediate,
  }, { name: `destfn:${name}` });

  const errors = installRealmErrors(context);
  Object.assign(context, errors.globals);
  context.fetch = (input: unknown, init?: Parameters<typeof compatFetch>[1]) => compatFetch(input, init).catch((err: unknown) => { throw errors.adopt(err); });
  return { context, dispose: () => timers.dispose() };
}

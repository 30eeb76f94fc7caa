/**
 * Error classes created inside the function's vm context, so that in function code
 * `new RetryError() instanceof Error` holds and errors from `fetch` are `instanceof Error` too
 * (the host's classes belong to another realm). The runtime classifies them by name.
 */
import vm from 'node:vm';
import { FUNCTION_ERROR_CLASSES } from '../api/errors';
import { errorName, FetchError } from './fetch-error';

type ErrorClass = new (...args: any[]) => Error; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RealmErrors {
  /** EventNotSupported InvalidEventPayload ValidationError RetryError, as context classes. */
  readonly globals: Record<keyof typeof FUNCTION_ERROR_CLASSES, ErrorClass>;
  /** A host error raised by fetch → the equivalent error of the function's realm. */
  adopt(err: unknown): unknown;
}

const DEFINE = `(function (defaults) {
  const define = (name, defaultMessage) => {
    const cls = class extends Error {
      constructor(message = defaultMessage, options) {
        super(message);
        this.name = name;
        if (name === 'RetryError' && options && options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
      }
    };
    Object.defineProperty(cls, 'name', { value: name });
    return cls;
  };
  class FetchError extends Error {
    constructor(message, type, code) {
      super(message);
      this.name = 'FetchError';
      this.type = type;
      if (code !== undefined) { this.code = code; this.errno = code; }
    }
  }
  const classes = { FetchError, Error, TypeError };
  for (const name of Object.keys(defaults)) classes[name] = define(name, defaults[name]);
  return classes;
})`;

export function installRealmErrors(context: vm.Context): RealmErrors {
  const defaults = Object.fromEntries(
    Object.entries(FUNCTION_ERROR_CLASSES).map(([name, cls]) => [name, new cls().message]),
  );
  const classes = (vm.runInContext(DEFINE, context) as (d: object) => Record<string, ErrorClass>)(defaults);
  const globals = Object.fromEntries(Object.keys(FUNCTION_ERROR_CLASSES).map((n) => [n, classes[n]])) as RealmErrors['globals'];

  const adopt = (err: unknown): unknown => {
    if (err instanceof FetchError) return new classes.FetchError(err.message, err.type, err.code);
    const name = errorName(err);
    const message = (err as Error).message;
    if (name === 'TypeError') return new classes.TypeError(message);
    if (name === 'AbortError') return Object.assign(new classes.Error(message), { name: 'AbortError' });
    return err;
  };
  return { globals, adopt };
}

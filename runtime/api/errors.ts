/**
 * The error classes a destination function can throw (the same names Segment gives them).
 * They are injected as globals into script-style functions and exported for module style.
 */

export class EventNotSupported extends Error {
  constructor(message = 'Event type not supported') { super(message); this.name = 'EventNotSupported'; }
}
export class InvalidEventPayload extends Error {
  constructor(message = 'Invalid event payload') { super(message); this.name = 'InvalidEventPayload'; }
}
export class ValidationError extends Error {
  constructor(message = 'Invalid settings') { super(message); this.name = 'ValidationError'; }
}
export interface RetryErrorOptions {
  /** Wait at least this long before the next attempt (e.g. the destination's Retry-After). */
  retryAfterSeconds?: number;
}
/** `new RetryError(message)` as in Segment; the options are destfn's (Segment ignores a second argument). */
export class RetryError extends Error {
  readonly retryAfterSeconds?: number;
  constructor(message = 'Retryable error', options?: RetryErrorOptions) {
    super(message);
    this.name = 'RetryError';
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
/** Raised by the runtime when a handler exceeds `timeoutSeconds`. */
export class TimeoutError extends Error {
  constructor(message: string) { super(message); this.name = 'TimeoutError'; }
}
/** A function.json, settings file or function source that cannot be used. Names the file and field. */
export class FunctionConfigError extends Error {
  constructor(message: string) { super(message); this.name = 'FunctionConfigError'; }
}

export const FUNCTION_ERROR_CLASSES = { EventNotSupported, InvalidEventPayload, ValidationError, RetryError };

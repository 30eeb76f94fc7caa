/**
 * Error → outcome, exactly the table in docs/ARCHITECTURE.md ("Errors and retries").
 *
 * A class is recognised by `instanceof` OR by `error.name`: the classes function code sees are
 * created in its vm realm (sandbox/realm-errors.ts), and module-style code may bundle its own copies.
 * Only real Error objects are matched by name: a thrown string or plain object is "any other throw".
 */
import { types } from 'node:util';
import { EventNotSupported, InvalidEventPayload, RetryError, TimeoutError, ValidationError } from '../api/errors';
import type { FunctionConfig } from '../function/config';
import type { OutcomeError, OutcomeReason, OutcomeStatus } from './outcome';

export const MAX_ERROR_MESSAGE_CHARS = 1000;

export interface Classification {
  status: Exclude<OutcomeStatus, 'delivered'>;
  reason: OutcomeReason;
  error: OutcomeError;
}

type KnownClass = new (...args: never[]) => Error;
const TABLE: ReadonlyArray<[KnownClass, string, Classification['status'], OutcomeReason]> = [
  [EventNotSupported, 'EventNotSupported', 'discarded', 'unsupported'],
  [InvalidEventPayload, 'InvalidEventPayload', 'discarded', 'invalid-event'],
  [ValidationError, 'ValidationError', 'discarded', 'invalid-settings'],
  [RetryError, 'RetryError', 'retry', 'retry-error'],
];

export function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

export function classifyThrown(thrown: unknown, onUnknownError: FunctionConfig['onUnknownError']): Classification {
  const error = describeThrown(thrown);
  if (thrown instanceof TimeoutError) return { status: 'retry', reason: 'timeout', error };
  if (isError(thrown)) {
    const names = classNames(thrown);
    for (const [cls, name, status, reason] of TABLE) {
      if (thrown instanceof cls || names.includes(name)) return { status, reason, error };
    }
  }
  return { status: onUnknownError === 'discard' ? 'discarded' : 'retry', reason: 'error', error };
}

/** The error's `name` and the class names along its prototype chain (`class X extends RetryError`). */
function classNames(error: Error): unknown[] {
  const names: unknown[] = [error.name];
  for (let proto = Object.getPrototypeOf(error); proto && names.length < 16; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, 'constructor')) names.push((proto.constructor as { name?: unknown }).name);
  }
  return names;
}

/** `{name, message}` of anything thrown; not yet redacted. */
export function describeThrown(thrown: unknown): OutcomeError {
  if (isError(thrown)) {
    const name = typeof thrown.name === 'string' && thrown.name ? thrown.name : 'Error';
    return { name, message: capMessage(String(thrown.message ?? '')) };
  }
  if (typeof thrown === 'string') return { name: 'Error', message: capMessage(thrown) };
  return { name: 'Error', message: capMessage(printable(thrown)) };
}

function printable(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try { return String(value); } catch { return Object.prototype.toString.call(value); }
  }
}

function capMessage(message: string): string {
  return message.length > MAX_ERROR_MESSAGE_CHARS ? `${message.slice(0, MAX_ERROR_MESSAGE_CHARS)}…` : message;
}

/** How a handler call ended → the Outcome of one event (classified, JSON-safe, redacted). */
import { classifyThrown, retryAfterOption, type Outcome, type OutcomeError } from '../delivery';
import type { FunctionConfig } from '../function/config';
import { redactDeep, type Redactor } from '../settings/redact';
import type { HandlerResult } from './run-guarded';

export interface OutcomeContext {
  onUnknownError: FunctionConfig['onUnknownError'];
  redact: Redactor;
}

/** What the event's last fetch said of the destination (the event scope keeps it: sandbox/fetch.ts). */
export interface FetchTrail {
  /** Its Retry-After when it was a 429 or 503: a RetryError without its own `retryAfterSeconds` waits that long. */
  fetchRetryAfterMs: number | null;
  /** It got a 429, a 5xx or no answer: a retry is the destination's trouble, whatever the handler threw. */
  lastFetchFailed: boolean;
}

const NO_FETCH: FetchTrail = { fetchRetryAfterMs: null, lastFetchFailed: false };

export function outcomeOf(messageId: string, handlerResult: HandlerResult, logs: string[], durationMs: number, ctx: OutcomeContext, fetch: FetchTrail = NO_FETCH): Outcome {
  if (handlerResult.ok) {
    return { messageId, status: 'delivered', reason: null, result: jsonSafe(handlerResult.value, ctx.redact), error: null, logs, durationMs };
  }
  const { status, reason, error } = classifyThrown(handlerResult.thrown, ctx.onUnknownError);
  const outcome: Outcome = { messageId, status, reason, result: undefined, error: redactError(error, ctx.redact), logs, durationMs };
  const retryAfterMs = reason === 'retry-error' ? retryAfterOption(handlerResult.thrown) ?? fetch.fetchRetryAfterMs : null;
  if (retryAfterMs !== null) outcome.retryAfterMs = retryAfterMs;
  if (status === 'retry' && fetch.lastFetchFailed) outcome.destinationFailed = true;
  return outcome;
}

export function redactError(error: OutcomeError, redact: Redactor): OutcomeError {
  return { name: redact(error.name), message: redact(error.message) };
}

/** The return value as JSON would record it (undefined stays undefined), secrets redacted. */
export function jsonSafe(value: unknown, redact: Redactor): unknown {
  if (value === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    return redact(`[unserializable result: ${(err as Error).message}]`);
  }
  return json === undefined ? undefined : redactDeep(JSON.parse(json), redact);
}

/** A settled handler call → the Outcome of one event (classified, JSON-safe, redacted). */
import { classifyThrown } from '../delivery/classify';
import type { FunctionConfig } from '../function/config';
import type { Outcome, OutcomeError } from '../delivery/outcome';
import { redactDeep, type Redactor } from '../settings/redact';
import type { Settlement } from './run-guarded';

export interface SettleContext {
  onUnknownError: FunctionConfig['onUnknownError'];
  redact: Redactor;
}

export function outcomeOf(messageId: string, settlement: Settlement, logs: string[], durationMs: number, ctx: SettleContext): Outcome {
  if (settlement.ok) {
    return { messageId, status: 'delivered', reason: null, result: jsonSafe(settlement.value, ctx.redact), error: null, logs, durationMs };
  }
  const { status, reason, error } = classifyThrown(settlement.thrown, ctx.onUnknownError);
  return { messageId, status, reason, result: undefined, error: redactError(error, ctx.redact), logs, durationMs };
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

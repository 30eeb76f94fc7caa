/**
 * onBatch(events, settings) → one Outcome per event, aligned by index:
 * - onBatch throws (or times out): every event gets that classification;
 * - it returns an array: entry i is event i's result; an entry that is an Error, or an object whose
 *   `error` property is an Error, classifies event i like a throw; so does Segment's partial-failure entry
 *   `{ status: 500, errormessage: '…' }` (408, 429 and 5xx retried, another 4xx discarded); a missing entry
 *   (array too short) is an error (retried by default), so no event is silently counted as delivered;
 * - it returns anything else (e.g. undefined): every event is delivered with that result.
 * Logs of the call belong to every event of the batch, so each outcome carries them.
 */
import { InvalidEventPayload, RetryError } from '../api/errors';
import { isError, type Outcome } from '../delivery';
import { outcomeOf, type FetchTrail, type OutcomeContext } from './outcome-of';
import type { HandlerResult } from './run-guarded';

export function batchOutcomes(messageIds: string[], handlerResult: HandlerResult, logs: string[], durationMs: number, ctx: OutcomeContext, fetch?: FetchTrail): Outcome[] {
  const per = (index: number): HandlerResult => {
    if (!handlerResult.ok || !Array.isArray(handlerResult.value)) return handlerResult;
    const results: unknown[] = handlerResult.value;
    if (index >= results.length) {
      return { ok: false, thrown: new Error(`onBatch returned ${results.length} results for ${messageIds.length} events (none for index ${index})`) };
    }
    const entry = results[index];
    if (isError(entry)) return { ok: false, thrown: entry };
    const nested = typeof entry === 'object' && entry !== null ? (entry as { error?: unknown }).error : undefined;
    if (isError(nested)) return { ok: false, thrown: nested };
    const failed = failedStatus(entry);
    if (failed) return { ok: false, thrown: failed };
    return { ok: true, value: entry };
  };
  return messageIds.map((id, index) => outcomeOf(id, per(index), logs.slice(), durationMs, ctx, fetch));
}

/** An entry in Segment's partial-failure shape, `{ status, errormessage }` with a status of 400 or more, as the error it reports. */
function failedStatus(entry: unknown): Error | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const { status, errormessage } = entry as { status?: unknown; errormessage?: unknown };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) return null;
  const message = typeof errormessage === 'string' && errormessage !== '' ? `${errormessage} (status ${status})` : `status ${status}`;
  return status === 408 || status === 429 || status >= 500 ? new RetryError(message) : new InvalidEventPayload(message);
}

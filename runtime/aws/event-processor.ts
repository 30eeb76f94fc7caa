/**
 * One event of an SQS message through one destination function: dedupe, invoke, record, telemetry, and the
 * settle decision of the local engine (runtime/delivery/settle-decision.ts). Skipped as a duplicate: an event the
 * function delivered in the last 24 h, and one this very message already settled (delivered or discarded) at an
 * earlier receive, whatever its age: same pack id (sqs-message.ts). A retryable outcome throws a ReportedFailure
 * carrying the visibility the message should get (sqs-settle.ts); record-processor.ts settles the message.
 */
import { alreadyDelivered, decideSettle, describeThrown, recordAfterAttempt, type DeliveryRecord, type Outcome } from '../delivery';
import { eventName } from '../events/event-name';
import type { SegmentEvent } from '../events/types';
import { invokeBatched } from './batched-invoke';
import type { EventEntry } from './delivery-item';
import type { AwsDeliveryStore } from './delivery-store';
import type { DeliveryTelemetry, TelemetryStatus } from './delivery-telemetry';
import type { FunctionLoader } from './function-loader';
import { ReportedFailure } from './reported-failure';
import { sqsVisibilityAfter } from './sqs-settle';

export interface ProcessorLog {
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface EventProcessorDeps {
  functionName: string;
  loader: FunctionLoader;
  store: Pick<AwsDeliveryStore, 'getEntry' | 'put'>;
  telemetry: DeliveryTelemetry;
  log: ProcessorLog;
  now?: () => Date;
  random?: () => number;
  /**
   * Runs the call to the destination when the delivery control allows (limiter.ts); may throw a DeferredRecord
   * (paused): the event is then not run and its message comes back. Only the call is limited: the dedupe lookup
   * and the record write hold no slot.
   */
  limitInvoke?: (run: () => Promise<Invoked>) => Promise<Invoked>;
}

/** One call of the function: its outcome, and whether the function ran (false: no instance, e.g. a secret unreadable). */
export interface Invoked { outcome: Outcome; invoked: boolean }

/** What every event of one SQS message shares. */
export interface MessageContext {
  /** The message's receive count: each of its events not yet settled is attempted at every receive. */
  attempt: number;
  /** When the message entered the queue (ISO). */
  queuedAt: string;
  /** The message's pack id; null for a message holding one bare event (written before packing). */
  pack: string | null;
}

export interface EventJob { event: SegmentEvent; message: MessageContext }

export interface EventResult {
  status: TelemetryStatus;
  /** The record of this event settled (delivered or discarded) from this message, now or at an earlier receive. */
  settled: { record: DeliveryRecord; ttl: number | null } | null;
}

export function isSettledStatus(status: string): boolean {
  return status === 'delivered' || status === 'discarded';
}

/** A record that says this message already settled this event (the message came back for another of its events). */
export function settledByPack(entry: EventEntry | null, pack: string | null): boolean {
  return entry !== null && pack !== null && entry.pack === pack && isSettledStatus(entry.record.status);
}

export function createEventProcessor(deps: EventProcessorDeps): (job: EventJob) => Promise<EventResult> {
  const fn = deps.functionName;
  const now = deps.now ?? (() => new Date());

  async function putRecord(record: DeliveryRecord, pack: string | null): Promise<void> {
    try {
      await deps.store.put(record, pack);
    } catch (err) {
      // Never turn a finished delivery into a retry because its record could not be written.
      deps.log.error('delivery record not written', { function: fn, messageId: record.messageId, error: describeThrown(err) });
    }
  }

  async function invoke(event: SegmentEvent): Promise<Invoked> {
    try {
      const instance = await deps.loader.instance();
      return { outcome: await invokeBatched(instance, event), invoked: true };
    } catch (err) {
      // No instance (missing required secret, secret unreadable…): the event waits, it is never discarded.
      const outcome: Outcome = { messageId: event.messageId, status: 'retry', reason: 'error', result: undefined,
        error: describeThrown(err), logs: [], durationMs: 0 };
      return { outcome, invoked: false };
    }
  }

  return async ({ event, message }) => {
    const { attempt, pack } = message;
    const base = { messageId: event.messageId, type: event.type, event: eventName(event), attempt };

    const existing = await deps.store.getEntry(fn, event.messageId);
    const ours = settledByPack(existing, pack);
    if (ours || alreadyDelivered(existing?.record ?? null, now())) {
      deps.telemetry.event({ ...base, status: 'duplicate', durationMs: null, logs: [] });
      return { status: 'duplicate', settled: ours && existing ? { record: existing.record, ttl: existing.ttl } : null };
    }

    const { retry } = deps.loader.definition().config;
    const { outcome, invoked } = deps.limitInvoke ? await deps.limitInvoke(() => invoke(event)) : await invoke(event);
    const decision = decideSettle(outcome.status, attempt, retry, deps.random, { retryAfterMs: outcome.retryAfterMs });
    const hideSeconds = sqsVisibilityAfter(decision);
    const durationMs = invoked ? outcome.durationMs : null;

    const record = recordAfterAttempt({
      fn, messageId: event.messageId, eventType: event.type, eventName: base.event, attempt,
      queuedAt: message.queuedAt, status: decision.status, error: outcome.error, durationMs, result: outcome.result,
      version: deps.loader.definition().version,
      retryInMs: decision.action === 'retry' && hideSeconds !== null ? hideSeconds * 1000 : null,
    }, existing?.record ?? null, now());
    await putRecord(record, pack);

    deps.telemetry.event({
      ...base,
      status: decision.status,
      durationMs,
      reason: outcome.reason,
      error: outcome.error,
      ...(decision.action === 'retry' && hideSeconds !== null ? { retryInSeconds: hideSeconds } : {}),
      logs: outcome.logs,
    });
    // The delivery control already has this attempt's error and Retry-After (limitInvoke's failureOf).
    if (hideSeconds !== null) throw new ReportedFailure(`${decision.status}: ${outcome.error?.name ?? 'error'}`, hideSeconds);
    return { status: decision.status, settled: { record, ttl: null } };
  };
}

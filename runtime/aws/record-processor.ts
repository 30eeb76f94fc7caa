/**
 * One SQS message through one destination function: dedupe (delivered in the last 24 h ⇒ skip), invoke, then
 * settle it like the local engine (runtime/delivery/settle-decision.ts), carried out on SQS by sqs-settle.ts:
 * delivered/discarded are left for SQS to delete, retryable ones get the policy's delay as visibility timeout
 * and are reported as failures (ReportedFailure), the last attempt is recorded 'failed' and reported so the
 * redrive policy moves it to the DLQ.
 */
import type { SQSRecord } from 'aws-lambda';
import { describeThrown, alreadyDelivered, recordAfterAttempt, decideSettle, type DeliveryRecord, type DeliveryStore, type Outcome } from '../delivery';
import type { SegmentEvent } from '../events/types';
import { eventName } from '../events/event-name';
import type { DeliveryTelemetry, TelemetryStatus } from './delivery-telemetry';
import type { FunctionLoader } from './function-loader';
import { sqsVisibilityAfter } from './sqs-settle';
import { attemptOf, eventOf, sentAtOf } from './sqs-event';
import type { VisibilityChanger } from './visibility';

/** Thrown for a message that must stay in the queue: the batch processor reports it in batchItemFailures. */
export class ReportedFailure extends Error {
  constructor(message: string) { super(message); this.name = 'ReportedFailure'; }
}

export interface ProcessorLog {
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface RecordProcessorDeps {
  functionName: string;
  loader: FunctionLoader;
  store: DeliveryStore;
  changeVisibility: VisibilityChanger;
  telemetry: DeliveryTelemetry;
  log: ProcessorLog;
  now?: () => Date;
  random?: () => number;
}

export function createRecordProcessor(deps: RecordProcessorDeps): (record: SQSRecord) => Promise<TelemetryStatus> {
  const fn = deps.functionName;
  const now = deps.now ?? (() => new Date());

  async function putRecord(record: DeliveryRecord): Promise<void> {
    try {
      await deps.store.put(record);
    } catch (err) {
      // Never turn a finished delivery into a retry because its record could not be written.
      deps.log.error('delivery record not written', { function: fn, messageId: record.messageId, error: describeThrown(err) });
    }
  }

  async function discardUnreadable(record: SQSRecord): Promise<TelemetryStatus> {
    const at = now();
    const error = { name: 'InvalidEventPayload', message: 'the SQS message body is not a Segment event (JSON with type and messageId)' };
    await putRecord(recordAfterAttempt({
      fn, messageId: record.messageId, eventType: 'unknown', eventName: null, attempt: attemptOf(record),
      queuedAt: sentAtOf(record, at), status: 'discarded', error, durationMs: null, result: undefined,
    }, null, at));
    deps.telemetry.event({ messageId: record.messageId, type: 'unknown', event: null, status: 'discarded', attempt: attemptOf(record),
      durationMs: null, reason: 'invalid-event', error, logs: [] });
    return 'discarded';
  }

  async function invoke(event: SegmentEvent): Promise<{ outcome: Outcome; invoked: boolean }> {
    try {
      const instance = await deps.loader.instance();
      return { outcome: await instance.invoke(event), invoked: true };
    } catch (err) {
      // No instance (missing required secret, secret unreadable…): the event waits, it is never discarded.
      const outcome: Outcome = { messageId: event.messageId, status: 'retry', reason: 'error', result: undefined,
        error: describeThrown(err), logs: [], durationMs: 0 };
      return { outcome, invoked: false };
    }
  }

  return async (record) => {
    const event = eventOf(record);
    if (!event) return discardUnreadable(record);
    const attempt = attemptOf(record);
    const base = { messageId: event.messageId, type: event.type, event: eventName(event), attempt };

    const existing = await deps.store.get(fn, event.messageId);
    if (alreadyDelivered(existing, now())) {
      deps.telemetry.event({ ...base, status: 'duplicate', durationMs: null, logs: [] });
      return 'duplicate';
    }

    const { retry } = deps.loader.definition().config;
    const { outcome, invoked } = await invoke(event);
    const decision = decideSettle(outcome.status, attempt, retry, deps.random, { retryAfterMs: outcome.retryAfterMs });
    const hideSeconds = sqsVisibilityAfter(decision);
    const durationMs = invoked ? outcome.durationMs : null;

    const at = now();
    const visibility = hideSeconds !== null
      ? deps.changeVisibility(record.receiptHandle, hideSeconds).catch((err: unknown) => {
        deps.log.warn('visibility not changed; the message returns after the queue default', {
          function: fn, messageId: event.messageId, error: describeThrown(err) });
      })
      : Promise.resolve();
    await Promise.all([visibility, putRecord(recordAfterAttempt({
      fn, messageId: event.messageId, eventType: event.type, eventName: base.event, attempt,
      queuedAt: sentAtOf(record, at), status: decision.status, error: outcome.error, durationMs, result: outcome.result,
      version: deps.loader.definition().version,
    }, existing, at))]);

    deps.telemetry.event({
      ...base,
      status: decision.status,
      durationMs,
      reason: outcome.reason,
      error: outcome.error,
      ...(decision.action === 'retry' && hideSeconds !== null ? { retryInSeconds: hideSeconds } : {}),
      logs: outcome.logs,
    });
    if (hideSeconds !== null) {
      throw new ReportedFailure(`${decision.status}: ${outcome.error?.name ?? 'error'}`);
    }
    return decision.status;
  };
}

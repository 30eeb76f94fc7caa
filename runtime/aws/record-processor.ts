/**
 * One SQS message through one destination function: dedupe (delivered in the last 24 h ⇒ skip), invoke, then
 * settle per the shared classification and retry policy: delivered/discarded are left for SQS to delete,
 * retryable ones get the policy's delay as visibility timeout and are reported as failures (ReportedFailure),
 * the last attempt is recorded 'failed' and reported so the redrive policy moves it to the DLQ.
 */
import type { SQSRecord } from 'aws-lambda';
import { describeThrown } from '../delivery/classify';
import { resultSnippet, type DeliveryRecord } from '../delivery/record';
import type { SegmentEvent } from '../events/types';
import { eventName } from '../events/event-name';
import type { Outcome } from '../delivery/outcome';
import { alreadyDelivered } from './dedupe';
import type { DeliveryStore } from './delivery-store';
import type { DeliveryTelemetry, TelemetryStatus } from './delivery-telemetry';
import type { FunctionLoader } from './function-loader';
import { settle } from './settlement';
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
    await putRecord({
      function: fn, messageId: record.messageId, status: 'discarded', attempts: attemptOf(record), lastError: error, durationMs: null,
      eventType: 'unknown', eventName: null, result: null, firstSeenAt: sentAtOf(record, at), updatedAt: at.toISOString(),
    });
    deps.telemetry({ messageId: record.messageId, type: 'unknown', event: null, status: 'discarded', attempt: attemptOf(record),
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
      deps.telemetry({ ...base, status: 'duplicate', durationMs: null, logs: [] });
      return 'duplicate';
    }

    const { retry } = deps.loader.definition().config;
    const { outcome, invoked } = await invoke(event);
    const settlement = settle(outcome.status, attempt, retry, deps.random);

    const at = now();
    const visibility = settlement.reportFailure
      ? deps.changeVisibility(record.receiptHandle, settlement.visibilitySeconds).catch((err: unknown) => {
        deps.log.warn('visibility not changed; the message returns after the queue default', {
          function: fn, messageId: event.messageId, error: describeThrown(err) });
      })
      : Promise.resolve();
    await Promise.all([visibility, putRecord({
      function: fn,
      messageId: event.messageId,
      status: settlement.status,
      attempts: Math.max(attempt, (existing?.attempts ?? 0) + 1),
      lastError: outcome.error ?? existing?.lastError ?? null,
      durationMs: invoked ? outcome.durationMs : null,
      eventType: event.type,
      eventName: base.event,
      result: settlement.status === 'delivered' ? resultSnippet(outcome.result) : null,
      firstSeenAt: existing?.firstSeenAt ?? sentAtOf(record, at),
      updatedAt: at.toISOString(),
    })]);

    deps.telemetry({
      ...base,
      status: settlement.status,
      durationMs: invoked ? outcome.durationMs : null,
      reason: outcome.reason,
      error: outcome.error,
      ...(settlement.status === 'retrying' ? { retryInSeconds: settlement.visibilitySeconds } : {}),
      logs: outcome.logs,
    });
    if (settlement.reportFailure) {
      throw new ReportedFailure(`${settlement.status}: ${outcome.error?.name ?? 'error'}`);
    }
    return settlement.status;
  };
}

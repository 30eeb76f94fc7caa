/**
 * One SQS message through one destination function: its events (one, or a pack of an ingest request's events,
 * sqs-message.ts) each through the event processor, then the message settled on SQS. Left for SQS to delete when
 * every event is settled (delivered, discarded, duplicate). Otherwise reported (ReportedFailure) and hidden for the
 * longest delay its events asked for (0, straight to the DLQ, when one had its last attempt), so it comes back
 * whole: the events it already settled are skipped then by their pack id, and are kept in the table long enough for
 * that (RECORD_TTL_DAYS, past the DLQ's retention). Every event of a message shares its receive count as attempt.
 */
import type { SQSRecord } from 'aws-lambda';
import { describeThrown, recordAfterAttempt } from '../delivery';
import type { AwsDeliveryStore } from './delivery-store';
import type { TelemetryStatus } from './delivery-telemetry';
import { createEventProcessor, type EventJob, type EventProcessorDeps, type EventResult, type MessageContext } from './event-processor';
import { ReportedFailure } from './reported-failure';
import { attemptOf, sentAtOf } from './sqs-event';
import { decodeMessage } from './sqs-message';
import type { VisibilityChanger } from './visibility';

export { ReportedFailure } from './reported-failure';
export type { ProcessorLog } from './event-processor';

export interface RecordProcessorDeps extends EventProcessorDeps {
  store: Pick<AwsDeliveryStore, 'getEntry' | 'put' | 'keep'>;
  changeVisibility: VisibilityChanger;
  /** Starts the dedupe lookups of a message's events before they run (dedupe-lookahead.ts). */
  prefetch?: (fn: string, messageIds: readonly string[]) => void;
  /** Wraps the processing of each event (the handler: copies of one messageId one at a time, delivery control). */
  wrapEvent?: (process: (job: EventJob) => Promise<EventResult>) => (job: EventJob) => Promise<EventResult>;
}

/** A settled record kept this long or longer needs no rewrite when its message comes back. */
const KEPT_ENOUGH_SECONDS = 20 * 24 * 60 * 60;

export function createRecordProcessor(deps: RecordProcessorDeps): (record: SQSRecord) => Promise<TelemetryStatus[]> {
  const fn = deps.functionName;
  const now = deps.now ?? (() => new Date());
  const processEvent = createEventProcessor(deps);
  const run = deps.wrapEvent ? deps.wrapEvent(processEvent) : processEvent;

  async function discardUnreadable(messageId: string, message: MessageContext): Promise<EventResult> {
    const at = now();
    const error = { name: 'InvalidEventPayload', message: 'the SQS message body is not a Segment event (JSON with type and messageId)' };
    try {
      await deps.store.put(recordAfterAttempt({
        fn, messageId, eventType: 'unknown', eventName: null, attempt: message.attempt,
        queuedAt: message.queuedAt, status: 'discarded', error, durationMs: null, result: undefined,
      }, null, at));
    } catch (err) {
      deps.log.error('delivery record not written', { function: fn, messageId, error: describeThrown(err) });
    }
    deps.telemetry.event({ messageId, type: 'unknown', event: null, status: 'discarded', attempt: message.attempt,
      durationMs: null, reason: 'invalid-event', error, logs: [] });
    return { status: 'discarded', settled: null };
  }

  /** The settled events of a message that comes back stay readable as settled until it does. */
  async function keepSettled(results: PromiseSettledResult<EventResult>[], pack: string): Promise<void> {
    const soon = Math.floor(now().getTime() / 1000) + KEPT_ENOUGH_SECONDS;
    const toKeep = results.flatMap((r) => (r.status === 'fulfilled' && r.value.settled && (r.value.settled.ttl ?? 0) < soon ? [r.value.settled.record] : []));
    await Promise.all(toKeep.map((record) => deps.store.keep(record, pack).catch((err: unknown) => {
      deps.log.warn('settled record not kept; it may run again if its message returns after the dedupe window', {
        function: fn, messageId: record.messageId, error: describeThrown(err) });
    })));
  }

  return async (record) => {
    const content = decodeMessage(record.body);
    const message: MessageContext = { attempt: attemptOf(record), queuedAt: sentAtOf(record, now()), pack: content?.pack ?? null };
    if (!content) return [(await discardUnreadable(record.messageId, message)).status];
    deps.prefetch?.(fn, content.events.flatMap((event) => (event ? [event.messageId] : [])));

    const results = await Promise.allSettled(content.events.map((event, i) => (event
      ? run({ event, message })
      : discardUnreadable(`${record.messageId}:${i}`, message))));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length === 0) return results.map((r) => (r as PromiseFulfilledResult<EventResult>).value.status);

    content.events.forEach((event, i) => {
      const r = results[i];
      if (r.status === 'rejected' && !(r.reason instanceof ReportedFailure)) {
        // Dedupe store or function folder unusable: the event returns with its message.
        deps.log.error('event not processed', { function: fn, messageId: event?.messageId ?? record.messageId, error: errorText(r.reason) });
      }
    });
    if (content.pack !== null && failures.length < results.length) await keepSettled(results, content.pack);
    const hide = hideSecondsOf(failures);
    if (hide !== null) {
      await deps.changeVisibility(record.receiptHandle, hide).catch((err: unknown) => {
        deps.log.warn('visibility not changed; the message returns after the queue default', {
          function: fn, messageId: record.messageId, error: describeThrown(err) });
      });
    }
    throw new ReportedFailure(`${failures.length} of ${results.length} event(s) not settled`, hide);
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** 0 when an event had its last attempt (the whole message goes to the DLQ), else the longest delay asked for. */
function hideSecondsOf(failures: unknown[]): number | null {
  const asked = failures.flatMap((f) => (f instanceof ReportedFailure && f.hideSeconds !== null ? [f.hideSeconds] : []));
  if (asked.length === 0) return null;
  return asked.includes(0) ? 0 : Math.max(...asked);
}

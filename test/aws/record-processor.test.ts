/**
 * The destination Lambda's settling of one SQS message holding several events (runtime/aws/record-processor.ts),
 * with an in-memory store and a function whose outcome each event names: which visibility the message gets,
 * when it is reported, which settled records are kept for its return. The same against fauxqs and dynalite, end
 * to end: destination-handler.test.ts.
 */
import type { SQSRecord } from 'aws-lambda';
import type { EventEntry } from '../../runtime/aws/delivery-item';
import { createRecordProcessor, ReportedFailure } from '../../runtime/aws/record-processor';
import type { FunctionLoader } from '../../runtime/aws/function-loader';
import { DeferredRecord } from '../../runtime/aws/limiter';
import type { DeliveryRecord, Outcome } from '../../runtime/delivery';
import type { SegmentEvent } from '../../runtime/events/types';

type Wanted = 'ok' | 'bad' | 'retry' | 'busy';
const DAY = 24 * 3600;
const NOW = new Date('2026-11-30T01:00:00.000Z');

function setup(attempts = 3) {
  const items = new Map<string, EventEntry>();
  const kept: string[] = [];
  const hidden: number[] = [];
  const invoked: string[] = [];
  const outcome = (event: SegmentEvent): Outcome => {
    const wanted = (event.properties as { wanted: Wanted }).wanted;
    invoked.push(event.messageId);
    const base = { messageId: event.messageId, result: undefined, logs: [], durationMs: 5 };
    if (wanted === 'ok') return { ...base, status: 'delivered', reason: null, error: null };
    if (wanted === 'bad') return { ...base, status: 'discarded', reason: 'invalid-event', error: { name: 'InvalidEventPayload', message: 'no' } };
    return { ...base, status: 'retry', reason: 'retry-error', error: { name: 'RetryError', message: '503' }, ...(wanted === 'busy' ? { retryAfterMs: 3_000_000 } : {}) };
  };
  const loader = {
    definition: () => ({ config: { retry: { attempts, windowHours: 1 } }, version: 'v1' }),
    instance: async () => ({ invoke: async (event: SegmentEvent) => outcome(event) }),
  } as unknown as FunctionLoader;
  const store = {
    getEntry: async (_fn: string, messageId: string) => {
      if (messageId.startsWith('gone')) throw new Error('ResourceNotFoundException: table gone');
      return items.get(messageId) ?? null;
    },
    put: async (record: DeliveryRecord, pack: string | null = null) => { items.set(record.messageId, { record, pack, ttl: Date.parse(record.updatedAt) / 1000 + 2 * DAY }); },
    keep: async (record: DeliveryRecord, pack: string) => { kept.push(record.messageId); items.set(record.messageId, { record, pack, ttl: NOW.getTime() / 1000 + 30 * DAY }); },
  };
  const process = createRecordProcessor({
    functionName: 'fn', loader, store, now: () => NOW, random: () => 0.5,
    telemetry: { event: () => undefined, flush: () => undefined },
    log: { warn: () => undefined, error: () => undefined },
    changeVisibility: async (_handle, seconds) => { hidden.push(seconds); },
  });
  return { items, kept, hidden, invoked, process };
}

const event = (id: string, wanted: Wanted) => ({ type: 'track', event: 'E', userId: 'u', messageId: id, properties: { wanted } });
function message(events: object[], receiveCount = 1, pack: string | null = 'pack-1'): SQSRecord {
  const body = pack === null ? JSON.stringify(events[0]) : JSON.stringify({ pack, events });
  return { messageId: 'sqs-1', receiptHandle: 'rh-1', body, attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(NOW.getTime()) } } as unknown as SQSRecord;
}
const failureOf = (p: Promise<unknown>) => p.then(() => null, (err: unknown) => err);

test('every event settled: the message is not reported, its visibility untouched, nothing kept; an entry that is not an event is discarded alone', async () => {
  const t = setup();
  await expect(t.process(message([event('a', 'ok'), event('b', 'bad'), { type: 'track' }]))).resolves.toEqual(['delivered', 'discarded', 'discarded']);
  expect(t.items.get('sqs-1:2')?.record).toMatchObject({ status: 'discarded', lastError: { name: 'InvalidEventPayload' } });
  expect(t.hidden).toEqual([]);
  expect(t.kept).toEqual([]);
});

test('one event to retry: the message is reported and hidden for the longest delay asked (a Retry-After), its settled events kept', async () => {
  const t = setup();
  const err = await failureOf(t.process(message([event('a', 'ok'), event('r', 'retry'), event('b', 'busy'), event('d', 'bad')])));
  expect(err).toBeInstanceOf(ReportedFailure);
  expect((err as ReportedFailure).hideSeconds).toBe(3000); // the policy says 1,200 s, the destination 3,000
  expect(t.hidden).toEqual([3000]);
  expect(t.kept.sort()).toEqual(['a', 'd']);
  expect(t.items.get('r')?.record).toMatchObject({ status: 'retrying', attempts: 1 });
});

test('on its return the settled events are skipped (no new attempt), the others attempted with the receive count; the last attempt sends it to the DLQ (visibility 0)', async () => {
  const t = setup(2);
  await failureOf(t.process(message([event('a', 'ok'), event('r', 'retry')])));
  t.invoked.length = 0;
  const err = await failureOf(t.process(message([event('a', 'ok'), event('r', 'retry')], 2)));
  expect(t.invoked).toEqual(['r']);
  expect((err as ReportedFailure).hideSeconds).toBe(0);
  expect(t.hidden.at(-1)).toBe(0);
  expect(t.items.get('a')?.record).toMatchObject({ status: 'delivered', attempts: 1 });
  expect(t.items.get('r')?.record).toMatchObject({ status: 'failed', attempts: 2 });
  // Already kept at the first return: not written again.
  expect(t.kept).toEqual(['a']);
});

test('the pack id decides, not the age: a delivered event of the same pack is skipped days later, one of another pack runs again after 24 h', async () => {
  const t = setup();
  const old = { ...(await (async () => { await t.process(message([event('a', 'ok')])); return t.items.get('a')!; })()) };
  t.items.set('a', { ...old, record: { ...old.record, updatedAt: new Date(NOW.getTime() - 3 * DAY * 1000).toISOString() } });
  t.invoked.length = 0;
  await expect(t.process(message([event('a', 'ok')]))).resolves.toEqual(['duplicate']);
  await expect(t.process(message([event('a', 'ok')], 1, 'pack-2'))).resolves.toEqual(['delivered']);
  expect(t.invoked).toEqual(['a']);
});

test('an event that could not be processed (store down) fails the message with the queue default visibility, unless a sibling asks for a delay', async () => {
  const t = setup();
  const alone = await failureOf(t.process(message([event('a', 'ok'), event('gone-1', 'ok')])));
  expect((alone as ReportedFailure).hideSeconds).toBeNull();
  expect(t.hidden).toEqual([]);
  const withRetry = await failureOf(t.process(message([event('gone-2', 'ok'), event('r', 'retry')], 1, 'pack-3')));
  expect((withRetry as ReportedFailure).hideSeconds).toBeGreaterThan(0);
});

test('a deferred event (breaker open) hides the message for its deferral; a bare event from before packing is one event without pack id', async () => {
  const t = setup();
  const deferring = createRecordProcessor({
    functionName: 'fn', loader: { definition: () => ({ config: { retry: { attempts: 3, windowHours: 1 } } }) } as unknown as FunctionLoader,
    store: { getEntry: async () => null, put: async () => undefined, keep: async () => undefined }, now: () => NOW,
    telemetry: { event: () => undefined, flush: () => undefined }, log: { warn: () => undefined, error: () => undefined },
    changeVisibility: async (_h, seconds) => { t.hidden.push(seconds); },
    wrapEvent: () => async () => { throw new DeferredRecord(45); },
  });
  expect(((await failureOf(deferring(message([event('x', 'ok'), event('y', 'ok')])))) as ReportedFailure).hideSeconds).toBe(45);
  await expect(t.process(message([event('bare', 'ok')], 1, null))).resolves.toEqual(['delivered']);
  expect(t.items.get('bare')?.pack).toBeNull();
});

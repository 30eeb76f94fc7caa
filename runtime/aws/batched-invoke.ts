/**
 * A function with onBatch gets the events that reach it together as one batch, as Segment batches them. Here that
 * is the calls the delivery control lets through in the same event-loop turn: the events of an SQS batch at the
 * start (up to the limit of events at once), then those whose slots a finished batch freed. Each event keeps its own
 * outcome, record and settle decision (event-processor.ts). An event let through alone goes to its type's handler
 * (or to onBatch as a batch of one), as locally (FunctionInstance.invokeTogether).
 */
import { coalesce, type Coalesced } from '../batching/coalesce';
import type { Outcome } from '../delivery';
import type { SegmentEvent } from '../events/types';
import type { FunctionInstance } from '../function/instance';

const batchers = new WeakMap<FunctionInstance, Coalesced<SegmentEvent, Outcome>>();

export function invokeBatched(instance: FunctionInstance, event: SegmentEvent): Promise<Outcome> {
  if (!instance.hasOnBatch) return instance.invoke(event);
  let batcher = batchers.get(instance);
  if (!batcher) {
    batcher = coalesce({ run: async (events: SegmentEvent[]) => (await instance.invokeTogether(events)).map((value) => ({ ok: true as const, value })) });
    batchers.set(instance, batcher);
  }
  return batcher(event);
}

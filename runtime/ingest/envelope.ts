/**
 * The raw events a request body carries, per route: one event (/v1/<type>), `{"batch":[…]}` (/v1/batch,
 * /v1/import) or one event / an array (/webhook/<source>). Batch-level `sentAt`, `context` and
 * `integrations` apply to every event of the batch (Segment's HTTP API), the event's own values winning.
 */
import { MAX_BATCH_EVENTS } from '../events/limits';
import { isPlainObject } from '../events/plain-object';
import type { IngestRoute } from './routes';
import { refuse, type IngestRefusal } from './types';

export interface Envelope {
  events: unknown[];
  /** Whether errors name a batch index. */
  indexed: boolean;
  /** `writeKey` given in the body (the alternative to Basic auth on /v1). */
  writeKey: unknown;
}

export function openEnvelope(route: IngestRoute, body: unknown): Envelope | IngestRefusal {
  switch (route.kind) {
    case 'single': {
      if (!isPlainObject(body)) return refuse(400, 'request body must be a JSON object (one event)');
      if (body.type !== undefined && body.type !== route.type) {
        return refuse(400, `"type" is ${JSON.stringify(body.type)?.slice(0, 40)} but the endpoint is /v1/${route.type}`);
      }
      return { events: [{ ...body, type: route.type }], indexed: false, writeKey: body.writeKey };
    }
    case 'batch': {
      if (!isPlainObject(body)) return refuse(400, 'request body must be a JSON object {"batch": [...]}');
      if (!Array.isArray(body.batch)) return refuse(400, '"batch" must be an array of events');
      const limited = checkCount(body.batch);
      if (limited) return limited;
      return { events: body.batch.map((event) => withBatchDefaults(event, body)), indexed: true, writeKey: body.writeKey };
    }
    case 'webhook': {
      if (isPlainObject(body)) return { events: [body], indexed: false, writeKey: undefined };
      if (!Array.isArray(body)) return refuse(400, 'request body must be one JSON event or an array of events');
      return checkCount(body) ?? { events: body, indexed: true, writeKey: undefined };
    }
  }
}

function checkCount(events: unknown[]): IngestRefusal | null {
  if (events.length === 0) return refuse(400, 'the batch is empty');
  if (events.length > MAX_BATCH_EVENTS) {
    return refuse(413, `the batch has ${events.length} events; the limit is ${MAX_BATCH_EVENTS}`);
  }
  return null;
}

function withBatchDefaults(event: unknown, envelope: Record<string, unknown>): unknown {
  if (!isPlainObject(event)) return event;
  const merged: Record<string, unknown> = { ...event };
  if (merged.sentAt === undefined && typeof envelope.sentAt === 'string') merged.sentAt = envelope.sentAt;
  for (const field of ['context', 'integrations'] as const) {
    const shared = envelope[field];
    const own = merged[field];
    if (isPlainObject(shared) && (own === undefined || isPlainObject(own))) merged[field] = { ...shared, ...own };
  }
  return merged;
}

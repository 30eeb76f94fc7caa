/** `GET /api/functions/:name/samples`: a sample event of each type, and the function's recent real events (redacted). */
import { sampleEvent } from '../../events/samples';
import { EVENT_TYPES } from '../../events/types';
import { createRedactor, redactDeep } from '../../settings/redact';
import type { Db } from '../db';
import { attemptIdsOf } from './deliveries-view';

export const RECENT_EVENTS = 20;

export interface SamplesBody {
  samples: Record<string, unknown>;
  recent: Array<{ messageId: string; type: string; receivedAt: string; event: unknown }>;
}

type Row = { message_id: string; event_type: string; first_seen_at: number; attempt_ids: string };

/** The function's latest records (by its index), each with the event its first attempt kept. */
export function samplesBody(db: Db, fn: string, secrets: readonly string[]): SamplesBody {
  const samples = Object.fromEntries(EVENT_TYPES.map((type) => [type, sampleEvent(type)]));
  const redact = createRedactor(secrets);
  const rows = db.prepare(
    'SELECT message_id, event_type, first_seen_at, attempt_ids FROM deliveries WHERE function = ? AND attempt_ids IS NOT NULL ORDER BY updated_at DESC LIMIT ?',
  ).all(fn, RECENT_EVENTS) as Row[];
  const eventOf = db.prepare('SELECT event FROM attempts WHERE id IN (SELECT value FROM json_each(?)) AND event IS NOT NULL ORDER BY id LIMIT 1').pluck();
  const recent: SamplesBody['recent'] = [];
  for (const r of rows) {
    const text = eventOf.get(JSON.stringify(attemptIdsOf(r.attempt_ids))) as string | undefined;
    if (!text) continue;
    const event = JSON.parse(text) as { receivedAt?: unknown };
    const receivedAt = typeof event.receivedAt === 'string' ? event.receivedAt : new Date(r.first_seen_at).toISOString();
    recent.push({ messageId: r.message_id, type: r.event_type, receivedAt, event: redactDeep(event, redact) });
  }
  return { samples, recent };
}

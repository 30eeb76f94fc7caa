/** `GET /api/dlq`, `POST /api/dlq/replay`, `POST /api/dlq/discard`: the queue's own replay and discard (queue.ts). */
import type { OutcomeError } from '../../delivery';
import type { Db } from '../db';
import type { Queue } from '../queue';

export interface DeadView {
  function: string; messageId: string; eventType: string; eventName: string | null; failedAt: string; attempts: number;
  error?: OutcomeError; orphan: boolean;
}

type DeadRow = { fn: string; messageId: string; eventType: string; eventName: string | null; failedAt: number; attempts: number; lastError: string | null };

export const DLQ_LIST_LIMIT = 1000;

export function deadLetters(db: Db, fn: string | undefined, running: ReadonlySet<string>): DeadView[] {
  const columns = 'function AS fn, message_id AS messageId, event_type AS eventType, event_name AS eventName, failed_at AS failedAt, attempts, last_error AS lastError';
  const rows = (fn === undefined
    ? db.prepare(`SELECT ${columns} FROM dlq ORDER BY id DESC LIMIT ?`).all(DLQ_LIST_LIMIT)
    : db.prepare(`SELECT ${columns} FROM dlq WHERE function = ? ORDER BY id DESC LIMIT ?`).all(fn, DLQ_LIST_LIMIT)) as DeadRow[];
  return rows.map((r) => {
    const view: DeadView = {
      function: r.fn, messageId: r.messageId, eventType: r.eventType, eventName: r.eventName, failedAt: new Date(r.failedAt).toISOString(),
      attempts: r.attempts, orphan: !running.has(r.fn),
    };
    if (r.lastError) view.error = JSON.parse(r.lastError) as OutcomeError;
    return view;
  });
}

export type DlqChange = { ok: true; count: number } | { ok: false; status: 409; error: string };

/** Back to the function's queue; an orphan (its function gone) cannot be replayed until the function exists again. */
export function replayDead(queue: Queue, fn: string, messageId: string | undefined, running: ReadonlySet<string>): DlqChange {
  if (!running.has(fn)) {
    return { ok: false, status: 409, error: `function "${fn}" does not exist (any more): its DLQ can be discarded, or replayed once the function is back` };
  }
  return { ok: true, count: queue.replay(fn, Date.now(), messageId) };
}

export function discardDead(queue: Queue, fn: string, messageId: string | undefined): DlqChange {
  return { ok: true, count: queue.discard(fn, messageId) };
}

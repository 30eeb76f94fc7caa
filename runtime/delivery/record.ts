/** One delivery record per function × messageId; the same shape locally (SQLite) and on AWS (DynamoDB). */
import type { DeliveryStatus, OutcomeError } from './outcome';

export interface DeliveryRecord {
  function: string;
  messageId: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: OutcomeError | null;
  durationMs: number | null;
  eventType: string;
  /** `event` of a track, `name` of a page/screen, else null. */
  eventName: string | null;
  /** The handler's return value as JSON, truncated to RESULT_SNIPPET_BYTES. */
  result: string | null;
  firstSeenAt: string; // ISO
  updatedAt: string;   // ISO
  /** The code version that made the last attempt (runtime/function/version.ts); absent when unknown (a filtered event). */
  version?: string;
  /**
   * A retrying record: when its next attempt was scheduled for (ISO), as decided when the attempt settled. It comes
   * no sooner; it may come later (a paused function holds its events; on AWS the other events of the same SQS
   * message wait for the longest delay among them).
   */
  nextAttemptAt?: string;
}

export interface LogRecord {
  function: string;
  messageId: string;
  at: string; // ISO
  lines: string[];
}

export const RESULT_SNIPPET_BYTES = 1024;

export function resultSnippet(result: unknown): string | null {
  if (result === undefined) return null;
  let json: string;
  try { json = JSON.stringify(result) ?? String(result); } catch { json = String(result); }
  return json.length > RESULT_SNIPPET_BYTES ? `${json.slice(0, RESULT_SNIPPET_BYTES)}…[truncated]` : json;
}

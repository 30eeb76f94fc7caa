/** The transport-agnostic ingest contract: the local HTTP server and the AWS ingest Lambda both adapt to it. */
import type { SegmentEvent } from '../events/types';

export interface SourceCredentials { name: string; writeKey: string; sharedSecret?: string | null }

export interface IngestRequest {
  method: string;
  /** URL path; a query string is ignored. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface IngestErrorBody { success: false; error: string; index?: number }

export type IngestResult =
  | { ok: true; source: string; events: SegmentEvent[] }
  | { ok: false; status: number; body: IngestErrorBody };

export type IngestRefusal = Extract<IngestResult, { ok: false }>;

export function refuse(status: number, error: string, index?: number): IngestRefusal {
  return { ok: false, status, body: index === undefined ? { success: false, error } : { success: false, error, index } };
}

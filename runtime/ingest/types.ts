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

/** An invalid event of a batch: left out, the valid ones accepted (as Segment does: clients drop a 4xx batch whole). */
export interface RejectedEvent {
  /** Position in the batch (or webhook array); 0 for a request of one event. */
  index: number;
  error: string;
  /** The event as sent, cut short, the sources' write keys and shared secrets redacted. */
  snippet: string;
}

/** 200: `rejected` lists the invalid events of a batch, when there are any. */
export interface IngestAcceptedBody { success: true; rejected?: Array<{ index: number; error: string }> }

export type IngestResult =
  | { ok: true; source: string; events: SegmentEvent[]; rejected: RejectedEvent[] }
  | {
    ok: false; status: number; body: IngestErrorBody;
    /**
     * A request of one event from a known source, refused because that event is invalid: recorded like an invalid
     * event of a batch (`destfn rejected`, the ingest Lambda's "ingest: event rejected"), since the sender, a
     * Segment webhook for one, may show no more than the status.
     */
    rejected?: { source: string; event: RejectedEvent };
  };

export type IngestRefusal = Extract<IngestResult, { ok: false }>;

export function refuse(status: number, error: string, index?: number): IngestRefusal {
  return { ok: false, status, body: index === undefined ? { success: false, error } : { success: false, error, index } };
}

export function acceptedBody(rejected: readonly RejectedEvent[]): IngestAcceptedBody {
  return rejected.length === 0 ? { success: true } : { success: true, rejected: rejected.map(({ index, error }) => ({ index, error })) };
}

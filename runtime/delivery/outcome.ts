/** What happened to one event in one function: the shared vocabulary of the local engine and AWS. */

export type OutcomeStatus = 'delivered' | 'discarded' | 'retry';

/** Why an event was discarded or will be retried (a row of the error table, docs/ARCHITECTURE.md "Errors and retries"). */
export type OutcomeReason =
  | 'unsupported'      // EventNotSupported
  | 'invalid-event'    // InvalidEventPayload
  | 'invalid-settings' // ValidationError
  | 'retry-error'      // RetryError
  | 'timeout'          // exceeded timeoutSeconds
  | 'error';           // any other throw (retried unless the function opts to discard)

export interface OutcomeError { name: string; message: string }

export interface Outcome {
  messageId: string;
  status: OutcomeStatus;
  reason: OutcomeReason | null;  // null when delivered
  /** The handler's return value, secrets redacted (JSON-safe). */
  result: unknown;
  error: OutcomeError | null;
  /** Captured console output, redacted, capped at 4 KB per event. */
  logs: string[];
  durationMs: number;
  /**
   * For a RetryError: wait at least this long before the next attempt (its `retryAfterSeconds`, else the
   * Retry-After of the event's last fetch response when that was a 429 or 503).
   */
  retryAfterMs?: number;
  /**
   * A retry after the event's last fetch got a 429, a 5xx or no answer: the destination's trouble (for delivery
   * control) even when the handler then threw a plain Error rather than a RetryError.
   */
  destinationFailed?: true;
}

/** Status of a delivery record (docs/ARCHITECTURE.md). */
export type DeliveryStatus = 'delivered' | 'discarded' | 'retrying' | 'failed' | 'filtered';

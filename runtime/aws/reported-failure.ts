import type { Outcome } from '../delivery';

/**
 * An event that must come back: its SQS message is reported in batchItemFailures. `hideSeconds` is the
 * visibility timeout its message should get (the retry delay, a paused breaker's deferral, 0 for the last attempt
 * so the redrive policy moves it to the DLQ); null leaves the queue's visibility timeout.
 */
export class ReportedFailure extends Error {
  /**
   * @param outcome what the attempt ended with, for a limiter that wraps a call throwing this (limiter.ts
   * limitDelivery without failureOf): the delivery control tells a 429 with a Retry-After, a destination in trouble
   * and the function's own bug apart by it.
   */
  constructor(message: string, readonly hideSeconds: number | null = null, readonly outcome: Pick<Outcome, 'error' | 'retryAfterMs'> | null = null) {
    super(message);
    this.name = 'ReportedFailure';
  }
}

/**
 * An event that must come back: its SQS message is reported in batchItemFailures. `hideSeconds` is the
 * visibility timeout its message should get (the retry delay, a paused breaker's deferral, 0 for the last attempt
 * so the redrive policy moves it to the DLQ); null leaves the queue's visibility timeout.
 */
export class ReportedFailure extends Error {
  constructor(message: string, readonly hideSeconds: number | null = null) {
    super(message);
    this.name = 'ReportedFailure';
  }
}

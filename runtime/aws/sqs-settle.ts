/**
 * How the destination Lambda carries out a settle decision (runtime/delivery/settle-decision.ts) on SQS: an
 * acked message is not reported, so SQS deletes it with the batch; any other is reported as a batch item
 * failure with its visibility timeout set to the retry delay, or to 0 for the last attempt so the next
 * receive moves it to the DLQ (redrive policy) at once.
 * @returns the visibility timeout in seconds of a message to report, or null for an acked one.
 */
import type { SettleDecision } from '../delivery';
import { visibilitySeconds } from './visibility';

export function sqsVisibilityAfter(decision: SettleDecision): number | null {
  switch (decision.action) {
    case 'ack': return null;
    case 'retry': return visibilitySeconds(decision.delayMs);
    case 'dead-letter': return 0;
  }
}

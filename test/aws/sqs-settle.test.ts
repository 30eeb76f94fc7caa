/** What SQS does with a message after an attempt: the shared settle decision turned into visibility timeouts. */
import { decideSettle, type OutcomeStatus } from '../../runtime/delivery';
import { sqsVisibilityAfter } from '../../runtime/aws/sqs-settle';
import { MAX_VISIBILITY_SECONDS, visibilitySeconds } from '../../runtime/aws/visibility';

const DEFAULT_RETRY = { attempts: 10, windowHours: 4 };
const middle = () => 0.5; // no jitter

/** The record status and the visibility timeout of a message reported as failed (null: not reported, SQS deletes it). */
function onSqs(status: OutcomeStatus, attempt: number, retry = DEFAULT_RETRY, random?: () => number) {
  const decision = decideSettle(status, attempt, retry, random);
  return { status: decision.status, visibilitySeconds: sqsVisibilityAfter(decision) };
}

describe('settling on SQS', () => {
  it('leaves delivered and discarded messages to be deleted', () => {
    expect(onSqs('delivered', 1)).toEqual({ status: 'delivered', visibilitySeconds: null });
    expect(onSqs('discarded', 3)).toEqual({ status: 'discarded', visibilitySeconds: null });
  });

  it("hides a retryable message for the policy's delay of that attempt, doubling each time", () => {
    const base = (4 * 3600) / (2 ** 9 - 1);
    expect(onSqs('retry', 1, DEFAULT_RETRY, middle)).toEqual({ status: 'retrying', visibilitySeconds: Math.round(base) });
    expect(onSqs('retry', 9, DEFAULT_RETRY, middle)).toEqual({ status: 'retrying', visibilitySeconds: Math.round(base * 256) });
  });

  it('fails the last attempt with visibility 0 so the redrive policy moves it to the DLQ at once', () => {
    expect(onSqs('retry', 10, DEFAULT_RETRY, middle)).toEqual({ status: 'failed', visibilitySeconds: 0 });
    expect(onSqs('retry', 12, DEFAULT_RETRY, middle)).toMatchObject({ status: 'failed' });
  });

  it('never asks SQS for more than its 12 h visibility ceiling', () => {
    expect(onSqs('retry', 1, { attempts: 2, windowHours: 72 }, middle)).toMatchObject({ visibilitySeconds: MAX_VISIBILITY_SECONDS });
    expect(visibilitySeconds(100 * 3600 * 1000)).toBe(MAX_VISIBILITY_SECONDS);
    expect(visibilitySeconds(400)).toBe(0);
    expect(visibilitySeconds(2600)).toBe(3);
  });
});

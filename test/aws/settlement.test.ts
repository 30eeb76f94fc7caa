/** What SQS does with a message after an attempt: the shared retry policy turned into visibility timeouts. */
import { settle } from '../../runtime/aws/settlement';
import { MAX_VISIBILITY_SECONDS, visibilitySeconds } from '../../runtime/aws/visibility';

const DEFAULT_RETRY = { attempts: 10, windowHours: 4 };
const middle = () => 0.5; // no jitter

describe('settle', () => {
  it('leaves delivered and discarded messages to be deleted', () => {
    expect(settle('delivered', 1, DEFAULT_RETRY)).toEqual({ status: 'delivered', reportFailure: false });
    expect(settle('discarded', 3, DEFAULT_RETRY)).toEqual({ status: 'discarded', reportFailure: false });
  });

  it("hides a retryable message for the policy's delay of that attempt, doubling each time", () => {
    const base = (4 * 3600) / (2 ** 9 - 1);
    expect(settle('retry', 1, DEFAULT_RETRY, middle)).toEqual({ status: 'retrying', reportFailure: true, visibilitySeconds: Math.round(base) });
    expect(settle('retry', 9, DEFAULT_RETRY, middle)).toEqual({ status: 'retrying', reportFailure: true, visibilitySeconds: Math.round(base * 256) });
  });

  it('fails the last attempt with visibility 0 so the redrive policy moves it to the DLQ at once', () => {
    expect(settle('retry', 10, DEFAULT_RETRY, middle)).toEqual({ status: 'failed', reportFailure: true, visibilitySeconds: 0 });
    expect(settle('retry', 12, DEFAULT_RETRY, middle)).toMatchObject({ status: 'failed' });
  });

  it('never asks SQS for more than its 12 h visibility ceiling', () => {
    expect(settle('retry', 1, { attempts: 2, windowHours: 72 }, middle)).toMatchObject({ visibilitySeconds: MAX_VISIBILITY_SECONDS });
    expect(visibilitySeconds(100 * 3600 * 1000)).toBe(MAX_VISIBILITY_SECONDS);
    expect(visibilitySeconds(400)).toBe(0);
    expect(visibilitySeconds(2600)).toBe(3);
  });
});

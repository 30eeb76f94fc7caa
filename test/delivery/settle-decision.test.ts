/** The one settle decision of the local engine and the destination Lambda: ack / retry after the policy's delay / dead-letter. */
import { decideSettle, nextRetry } from '../../runtime/delivery';

const RETRY = { attempts: 3, windowHours: 1 };
const middle = () => 0.5; // no jitter

describe('decideSettle', () => {
  it('acks a delivered or discarded event at any attempt, even past the last', () => {
    expect(decideSettle('delivered', 1, RETRY)).toEqual({ action: 'ack', status: 'delivered' });
    expect(decideSettle('discarded', 5, RETRY)).toEqual({ action: 'ack', status: 'discarded' });
  });

  it("retries before the last attempt after the retry policy's delay for that attempt", () => {
    // 1 h over 2 retries: 20 min, then 40 min.
    expect(decideSettle('retry', 1, RETRY, middle)).toEqual({ action: 'retry', status: 'retrying', delayMs: 20 * 60 * 1000 });
    expect(decideSettle('retry', 2, RETRY, middle)).toEqual({ action: 'retry', status: 'retrying', delayMs: 40 * 60 * 1000 });
  });

  it('uses the jitter source it is given, like the retry policy', () => {
    const low = () => 0;
    expect(decideSettle('retry', 1, RETRY, low)).toEqual({ action: 'retry', status: 'retrying', delayMs: (nextRetry(1, RETRY, low) as { delayMs: number }).delayMs });
    expect(decideSettle('retry', 1, RETRY, low)).not.toEqual(decideSettle('retry', 1, RETRY, middle));
  });

  it('dead-letters the last attempt and any later one', () => {
    expect(decideSettle('retry', 3, RETRY, middle)).toEqual({ action: 'dead-letter', status: 'failed' });
    expect(decideSettle('retry', 7, RETRY, middle)).toEqual({ action: 'dead-letter', status: 'failed' });
    expect(decideSettle('retry', 1, { attempts: 1, windowHours: 1 })).toEqual({ action: 'dead-letter', status: 'failed' });
  });
});

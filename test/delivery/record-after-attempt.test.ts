/** The delivery record after one attempt, the same builder for the local engine and the destination Lambda. */
import { recordAfterAttempt, RESULT_SNIPPET_BYTES, type AttemptFacts, type DeliveryRecord } from '../../runtime/delivery';

const QUEUED = '2025-03-01T10:00:00.000Z';
const NOW = new Date('2025-03-01T10:05:00.000Z');
const SINK_503 = { name: 'RetryError', message: 'sink answered 503' };

function facts(over: Partial<AttemptFacts> = {}): AttemptFacts {
  return {
    fn: 'hooks', messageId: 'm-1', eventType: 'track', eventName: 'Order Completed', attempt: 1, queuedAt: QUEUED,
    status: 'delivered', error: null, durationMs: 12, result: { sent: true }, ...over,
  };
}

describe('recordAfterAttempt', () => {
  it('a first attempt: every field from the attempt, updated now', () => {
    expect(recordAfterAttempt(facts(), null, NOW)).toEqual({
      function: 'hooks', messageId: 'm-1', status: 'delivered', attempts: 1, lastError: null, durationMs: 12,
      eventType: 'track', eventName: 'Order Completed', result: '{"sent":true}', firstSeenAt: QUEUED, updatedAt: NOW.toISOString(),
    });
  });

  it('keeps a result only when delivered, as a capped JSON snippet', () => {
    expect(recordAfterAttempt(facts({ status: 'retrying', error: SINK_503 }), null, NOW).result).toBeNull();
    expect(recordAfterAttempt(facts({ result: undefined }), null, NOW).result).toBeNull();
    const big = recordAfterAttempt(facts({ result: 'x'.repeat(5000) }), null, NOW).result!;
    expect(big.startsWith(`"${'x'.repeat(RESULT_SNIPPET_BYTES - 1)}`)).toBe(true);
    expect(big.endsWith('…[truncated]')).toBe(true);
  });

  it('after an earlier record: first seen and the error that made it wait are kept, attempts never count backwards', () => {
    const previous: DeliveryRecord = recordAfterAttempt(facts({ status: 'retrying', error: SINK_503, attempt: 4, queuedAt: '2025-03-01T09:00:00.000Z' }), null, new Date('2025-03-01T09:30:00.000Z'));
    const after = recordAfterAttempt(facts({ attempt: 1 }), previous, NOW);
    expect(after).toMatchObject({ status: 'delivered', attempts: 5, lastError: SINK_503, firstSeenAt: '2025-03-01T09:00:00.000Z', updatedAt: NOW.toISOString() });
    const newError = { name: 'RetryError', message: 'sink answered 502' };
    expect(recordAfterAttempt(facts({ status: 'retrying', error: newError, attempt: 9 }), previous, NOW)).toMatchObject({ attempts: 9, lastError: newError });
  });

  it('a retrying record says when its next attempt is due; no other record does, and the next one forgets it', () => {
    const waiting = recordAfterAttempt(facts({ status: 'retrying', error: SINK_503, retryInMs: 90_000 }), null, NOW);
    expect(waiting.nextAttemptAt).toBe('2025-03-01T10:06:30.000Z');
    expect(recordAfterAttempt(facts({ status: 'retrying', error: SINK_503 }), null, NOW)).not.toHaveProperty('nextAttemptAt');
    expect(recordAfterAttempt(facts({ status: 'failed', error: SINK_503, retryInMs: 5 }), null, NOW)).not.toHaveProperty('nextAttemptAt');
    expect(recordAfterAttempt(facts(), waiting, NOW)).not.toHaveProperty('nextAttemptAt');
  });

  it('a function that never ran has no duration', () => {
    expect(recordAfterAttempt(facts({ status: 'retrying', durationMs: null, error: SINK_503 }), null, NOW).durationMs).toBeNull();
  });
});

/** SendMessageBatch chunks and SQS-safe message bodies. */
import { chunkMessages, SQS_BATCH_MAX_BYTES, toMessage } from '../../runtime/aws/sqs-chunks';
import type { SegmentEvent } from '../../runtime/events/types';

const message = (i: number, bytes = 10) => ({ messageId: `m${i}`, body: 'x'.repeat(bytes) });

describe('chunkMessages', () => {
  it('puts at most 10 entries in a call', () => {
    const chunks = chunkMessages(Array.from({ length: 25 }, (_, i) => message(i)));
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(chunks.flat().map((m) => m.messageId)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
  });

  it('starts a new call before the batch would exceed 256 KiB', () => {
    const big = 32 * 1024; // the largest event ingest accepts
    const chunks = chunkMessages(Array.from({ length: 10 }, (_, i) => message(i, big)));
    expect(chunks.map((c) => c.length)).toEqual([8, 2]);
    for (const chunk of chunks) expect(chunk.reduce((n, m) => n + m.body.length, 0)).toBeLessThanOrEqual(SQS_BATCH_MAX_BYTES);
  });
});

describe('toMessage', () => {
  it('is the event JSON, with the two characters SQS refuses escaped (same JSON value)', () => {
    const event = { type: 'track', event: 'odd \uFFFF \uFFFE name', userId: 'u', messageId: 'm1' } as SegmentEvent;
    const { messageId, body } = toMessage(event);
    expect(messageId).toBe('m1');
    expect(body).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(JSON.parse(body)).toEqual(event);
  });
});

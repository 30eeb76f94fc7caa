/** SendMessageBatch chunks. */
import { chunkMessages, SQS_BATCH_MAX_BYTES } from '../../runtime/aws/sqs-chunks';

const message = (i: number, bytes = 10) => ({ messageIds: [`m${i}`], body: 'x'.repeat(bytes) });

describe('chunkMessages', () => {
  it('puts at most 10 entries in a call', () => {
    const chunks = chunkMessages(Array.from({ length: 25 }, (_, i) => message(i)));
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(chunks.flat().map((m) => m.messageIds[0])).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
  });

  it('starts a new call before the batch would exceed 256 KiB', () => {
    const big = 60 * 1024; // a packed message of ~60 KB
    const chunks = chunkMessages(Array.from({ length: 10 }, (_, i) => message(i, big)));
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 2]);
    for (const chunk of chunks) expect(chunk.reduce((n, m) => n + m.body.length, 0)).toBeLessThanOrEqual(SQS_BATCH_MAX_BYTES);
  });
});

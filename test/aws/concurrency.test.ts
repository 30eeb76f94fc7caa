/** The destination handler's record scheduling: one messageId at a time. */
import { serializeByKey } from '../../runtime/aws/serialize-by-key';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('serializeByKey', () => {
  it('runs calls with the same key one after another, others in parallel, even after a failure', async () => {
    const log: string[] = [];
    const run = serializeByKey((item: { key: string; id: string; fail?: boolean }) => item.key, async (item) => {
      log.push(`start ${item.id}`);
      await tick();
      log.push(`end ${item.id}`);
      if (item.fail) throw new Error(item.id);
      return item.id;
    });
    const results = await Promise.allSettled([
      run({ key: 'a', id: 'a1', fail: true }), run({ key: 'b', id: 'b1' }), run({ key: 'a', id: 'a2' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
  });
});

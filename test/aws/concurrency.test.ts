/** The destination handler's record scheduling: bounded parallelism, one messageId at a time. */
import { limitConcurrency } from '../../runtime/aws/limiter';
import { serializeByKey } from '../../runtime/aws/serialize-by-key';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('limitConcurrency', () => {
  it('never runs more than the limit at once, and runs everything', async () => {
    let running = 0;
    let peak = 0;
    const run = limitConcurrency(3, async (i: number) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
      return i * 2;
    });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => run(i)));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(peak).toBe(3);
  });

  it('frees the slot of a call that throws', async () => {
    const run = limitConcurrency(1, async (fail: boolean) => { await tick(); if (fail) throw new Error('boom'); return 'ok'; });
    const results = await Promise.allSettled([run(true), run(false)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
  });
});

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

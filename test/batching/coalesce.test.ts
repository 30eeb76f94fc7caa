/** runtime/batching/coalesce.ts: calls of one turn share a batch; with lingerMs, calls that far apart too (fake clock). */
import { coalesce } from '../../runtime/batching/coalesce';

function recorder(lingerMs?: number, maxBatch?: number) {
  const batches: number[][] = [];
  const call = coalesce<number, number>({
    maxBatch,
    lingerMs,
    run: async (inputs) => { batches.push(inputs); return inputs.map((n) => ({ ok: true as const, value: n * 10 })); },
  });
  return { call, batches };
}

afterEach(() => jest.useRealTimers());

test('without lingerMs: the calls of one event-loop turn share one batch, a later call starts another', async () => {
  const { call, batches } = recorder();
  const first = [call(1), call(2), call(3)];
  await expect(Promise.all(first)).resolves.toEqual([10, 20, 30]);
  await call(4);
  expect(batches).toEqual([[1, 2, 3], [4]]);
});

test('with lingerMs: calls made within the wait share a batch; each gets its own result', async () => {
  jest.useFakeTimers();
  const { call, batches } = recorder(250, 25);
  const results = [call(1)];
  await jest.advanceTimersByTimeAsync(100);
  results.push(call(2));
  await jest.advanceTimersByTimeAsync(100);
  results.push(call(3));
  expect(batches).toEqual([]);
  await jest.advanceTimersByTimeAsync(50); // 250 ms after the first call
  expect(batches).toEqual([[1, 2, 3]]);
  await expect(Promise.all(results)).resolves.toEqual([10, 20, 30]);
});

test('with lingerMs: a full batch goes at once, and flush() sends what waits without waiting out the linger', async () => {
  jest.useFakeTimers();
  const { call, batches } = recorder(250, 3);
  const full = [call(1), call(2), call(3)];
  expect(batches).toEqual([[1, 2, 3]]);
  await expect(Promise.all(full)).resolves.toEqual([10, 20, 30]);
  const rest = call(4);
  call.flush();
  expect(batches).toEqual([[1, 2, 3], [4]]);
  await expect(rest).resolves.toBe(40);
  call.flush(); // nothing waits: no empty batch
  await jest.advanceTimersByTimeAsync(1000);
  expect(batches).toHaveLength(2);
});

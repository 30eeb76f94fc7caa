import { cpus } from 'node:os';
import { IdleCores } from '../../runtime/local/idle-cores';

test('idle cores: between 0 and the number of cores, refreshed once a second', async () => {
  const meter = new IdleCores();
  expect(meter.now()).toBe(0); // nothing measured yet
  await new Promise((r) => setTimeout(r, 1100));
  const idle = meter.now();
  expect(idle).toBeGreaterThanOrEqual(0);
  expect(idle).toBeLessThanOrEqual(cpus().length);
  expect(meter.now()).toBe(idle); // within the second: the same figure
});

test('idle cores: a reading over more than 2 s (no call for a while) counts as none; the next one, a second later, counts', () => {
  let at = 0;
  const times = { idle: 0, total: 0, cores: 2 };
  // `idleShare` of both cores idle for `ms`.
  const pass = (ms: number, idleShare: number) => { at += ms; times.total += 2 * ms; times.idle += 2 * ms * idleShare; };
  const meter = new IdleCores(() => ({ ...times }), () => at);
  pass(1000, 0.5);
  expect(meter.now()).toBeCloseTo(1); // half of 2 cores
  pass(500, 0);
  expect(meter.now()).toBeCloseTo(1); // within the second: the same figure
  pass(9500, 0.9); // a quiet spell nobody measured
  expect(meter.now()).toBe(0);
  pass(1000, 0.1);
  expect(meter.now()).toBeCloseTo(0.2);
});

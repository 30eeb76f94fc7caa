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

import { CircuitBreaker } from '../../runtime/delivery-control';

const fail = { ok: false, error: 'FetchError' };

test('opens after N retryable failures in a row, with the reason', () => {
  const b = new CircuitBreaker({ consecutive: 5 });
  for (let i = 0; i < 4; i++) expect(b.record(fail, i)).toBeNull();
  expect(b.record(fail, 4)).toBe('opened');
  expect(b.open).toBe(true);
  expect(b.reason).toBe('5 retryable failures in a row (last: FetchError)');
  expect(b.openedAt).toBe(4);
});

test('a success in between resets the run; a failure ratio over the window opens it', () => {
  const b = new CircuitBreaker({ consecutive: 5, ratio: 0.5, minSamples: 20, windowMs: 10_000 });
  let opened = false;
  for (let i = 0; i < 30 && !opened; i++) opened = b.record({ ok: i % 3 === 0 }, i * 100) === 'opened';
  expect(b.open).toBe(true);
  expect(b.reason).toMatch(/^\d+% of 2\d attempts in 10 s failed$/);
});

test('failures spread beyond the window do not open it', () => {
  const b = new CircuitBreaker({ consecutive: 1000, ratio: 0.5, minSamples: 20, windowMs: 10_000 });
  for (let i = 0; i < 100; i++) b.record({ ok: i % 2 === 0 }, i * 2000);
  expect(b.open).toBe(false);
});

test('open: one probe at a time, every probeMs doubling to maxProbeMs, never sooner than Retry-After; a success closes it', () => {
  const b = new CircuitBreaker({ consecutive: 1, probeMs: 1000, maxProbeMs: 4000 });
  b.record(fail, 0);
  expect(b.canProbe(999)).toBe(false);
  expect(b.canProbe(1000)).toBe(true);
  b.probeStarted();
  expect(b.canProbe(1500)).toBe(false);
  b.record(fail, 1500); // next in 2 s
  expect(b.nextProbeAt).toBe(3500);
  b.probeStarted();
  b.record(fail, 3500); // 4 s
  expect(b.nextProbeAt).toBe(7500);
  b.probeStarted();
  b.record(fail, 7500); // capped at 4 s
  expect(b.nextProbeAt).toBe(11_500);
  b.probeStarted();
  b.record({ ok: false, retryAfterMs: 60_000 }, 11_500);
  expect(b.nextProbeAt).toBe(71_500);
  b.probeStarted();
  expect(b.record({ ok: true }, 71_600)).toBe('closed');
  expect(b.open).toBe(false);
  expect(b.nextProbeAt).toBeNull();
});

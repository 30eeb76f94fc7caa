import { AdaptiveRate } from '../../runtime/delivery-control';

/**
 * A destination taking `perSecond` (a token bucket of `burst`), answering at once; the sender starts as many as
 * AdaptiveRate allows every `tickMs`. Returns what was sent and refused per second.
 */
function simulate(perSecond: number, seconds: number, tickMs = 5, burst = perSecond / 10) {
  const rate = new AdaptiveRate();
  let tokens = burst;
  const perSec: { sent: number; refused: number }[] = [];
  for (let now = 0; now < seconds * 1000; now += tickMs) {
    tokens = Math.min(burst, tokens + (perSecond * tickMs) / 1000);
    // The sender would send 10× the destination's rate without a ceiling.
    const want = Math.min(rate.available(now), (perSecond * 10 * tickMs) / 1000);
    const n = Math.floor(want);
    rate.started(n, now);
    const s = (perSec[Math.floor(now / 1000)] ??= { sent: 0, refused: 0 });
    for (let i = 0; i < n; i++) {
      const ok = tokens >= 1;
      if (ok) tokens -= 1; else s.refused++;
      s.sent++;
      rate.finished(!ok, now);
    }
  }
  return { perSec, ceiling: rate.perSecond };
}

test('no ceiling until a drop', () => {
  const rate = new AdaptiveRate();
  expect(rate.available(0)).toBe(Infinity);
  rate.started(50, 0);
  rate.finished(false, 1);
  expect(rate.perSecond).toBeNull();
});

test('a drop sets the ceiling to 90 % of the last second; lowered at most once a second', () => {
  const rate = new AdaptiveRate();
  rate.started(100, 0);
  rate.finished(true, 10);
  expect(rate.perSecond).toBe(90);
  rate.finished(true, 20);
  expect(rate.perSecond).toBe(90);
  rate.started(100, 1050);
  rate.finished(true, 1100);
  expect(rate.perSecond).toBeCloseTo(81, 0);
});

test('against a destination taking 200/s: settles within 10 % of it, refusing under 5 %', () => {
  const { perSec } = simulate(200, 60);
  const steady = perSec.slice(20);
  const delivered = steady.reduce((n, s) => n + s.sent - s.refused, 0) / steady.length;
  const refused = steady.reduce((n, s) => n + s.refused, 0) / steady.reduce((n, s) => n + s.sent, 0);
  expect(delivered).toBeGreaterThan(180);
  expect(delivered).toBeLessThanOrEqual(201); // the destination's burst
  expect(refused).toBeLessThan(0.05);
});

test('the ceiling is lifted once it no longer limits delivery', () => {
  const rate = new AdaptiveRate({ liftAfterMs: 10_000 });
  rate.started(100, 0);
  rate.finished(true, 0);
  expect(rate.perSecond).toBe(90);
  for (let t = 100; t <= 12_000; t += 100) rate.available(t);
  expect(rate.perSecond).toBeNull();
});

test('a later refusal lowers the ceiling itself, not to what was sent (sending held back elsewhere does not ratchet it down)', () => {
  const rate = new AdaptiveRate();
  rate.started(100, 0);
  rate.finished(true, 0);
  expect(rate.perSecond).toBe(90);
  rate.started(10, 1500); // something else (the concurrency limit) holds sending at 10/s
  rate.finished(true, 1500);
  expect(rate.perSecond).toBeCloseTo(81, 0);
});

import { AdaptiveRate } from '../../runtime/delivery-control';
import { simulateRateLimited } from './rate-simulation';

/** `n` events accepted, spread evenly over [from, to). */
function accept(rate: AdaptiveRate, n: number, from: number, to: number): void {
  for (let i = 0; i < n; i++) rate.finished(false, from + Math.floor(((to - from) * i) / n));
}

/** Asks for tokens every 100 ms over [from, to] (the ceiling grows when asked). */
function tick(rate: AdaptiveRate, from: number, to: number, send = 0): void {
  for (let t = from; t <= to; t += 100) {
    rate.available(t);
    if (send > 0) rate.started(send, t);
  }
}

test('no ceiling until a refusal', () => {
  const rate = new AdaptiveRate();
  expect(rate.available(0)).toBe(Infinity);
  rate.started(50, 0);
  rate.finished(false, 1);
  expect(rate.perSecond).toBeNull();
});

test('the first refusal sets the ceiling to 90 % of the events accepted in the last second; refusals within 1 s after a cut are not counted again', () => {
  const rate = new AdaptiveRate();
  accept(rate, 100, 100, 1000);
  rate.finished(true, 1000);
  expect(rate.perSecond).toBe(90);
  expect(rate.knownGood).toBeNull();
  rate.finished(true, 1500);
  rate.finished(true, 1999);
  expect(rate.perSecond).toBe(90);
});

test('a later refusal sets the ceiling 3 % below the refusal-free rate measured since the last cut, and spends the saved-up tokens', () => {
  const rate = new AdaptiveRate();
  accept(rate, 50, 100, 1000);
  rate.finished(true, 1000);
  expect(rate.perSecond).toBe(45);
  accept(rate, 160, 1000, 5000); // 40/s accepted between the two refusals
  expect(rate.available(5000)).toBeGreaterThan(0);
  rate.finished(true, 5000);
  expect(rate.knownGood).toBe(40);
  expect(rate.perSecond).toBeCloseTo(38.8, 5);
  expect(rate.available(5000)).toBe(0);
});

test('a cut more than 10 s old: the rate is measured over the last 10 s (the destination may have changed since)', () => {
  const rate = new AdaptiveRate();
  accept(rate, 100, 100, 1000);
  rate.finished(true, 1000);
  accept(rate, 500, 1000, 11_000); // 50/s
  accept(rate, 2000, 11_000, 21_000); // then 200/s
  rate.finished(true, 21_000);
  expect(rate.knownGood).toBeGreaterThan(195);
  expect(rate.knownGood).toBeLessThan(205);
});

test('one cut at most halves the ceiling (a sender stalled between two refusals measures too little)', () => {
  const rate = new AdaptiveRate();
  accept(rate, 100, 100, 1000);
  rate.finished(true, 1000);
  accept(rate, 10, 1000, 3000);
  rate.finished(true, 3000);
  expect(rate.knownGood).toBe(5);
  expect(rate.perSecond).toBe(45);
});

test('a destination accepting nothing between two refusals is down, not limiting a rate: the ceiling halves, no rate is known, and it grows fast once events are accepted again', () => {
  const rate = new AdaptiveRate();
  accept(rate, 100, 100, 1000);
  rate.finished(true, 1000);
  accept(rate, 200, 1000, 3000);
  rate.finished(true, 3000);
  expect(rate.knownGood).toBe(100);
  rate.finished(true, 4000);
  expect(rate.knownGood).toBeNull();
  expect(rate.perSecond).toBeCloseTo(87.3 / 2, 5);
  tick(rate, 4000, 8000, 20);
  expect(rate.perSecond).toBeGreaterThan(87.3 * 2);
});

test('no growth for 2 s after a cut, or for as long as the Retry-After asks (up to 30 s)', () => {
  const held = (retryAfterMs: number | undefined, until: number) => {
    const rate = new AdaptiveRate();
    accept(rate, 100, 100, 1000);
    rate.finished(true, 1000, retryAfterMs);
    tick(rate, 1000, until, 10); // sending at the ceiling: it limits delivery
    return rate.perSecond;
  };
  expect(held(undefined, 2900)).toBe(90);
  expect(held(undefined, 3500)).toBeGreaterThan(90);
  expect(held(5000, 5900)).toBe(90);
  expect(held(5000, 6500)).toBeGreaterThan(90);
  expect(held(3_600_000, 30_900)).toBe(90);
  expect(held(3_600_000, 31_500)).toBeGreaterThan(90);
});

test('once a rate was measured, the ceiling probes above it slowly: 2 % of it per second near it, faster far above it', () => {
  const rate = new AdaptiveRate();
  accept(rate, 200, 100, 1000);
  rate.finished(true, 1000);
  accept(rate, 400, 1000, 5000); // 100/s measured
  rate.finished(true, 5000);
  expect(rate.perSecond).toBeCloseTo(97, 5);
  tick(rate, 5000, 6900, 10); // held
  expect(rate.perSecond).toBeCloseTo(97, 5);
  tick(rate, 7000, 10_000, 10); // 3 s at +2/s (and +10 %/s of the little above 100)
  expect(rate.perSecond).toBeGreaterThan(103);
  expect(rate.perSecond).toBeLessThan(104);
  tick(rate, 10_100, 30_000, 40); // 20 s more: +2/s and +10 %/s of the part above 100
  expect(rate.perSecond).toBeGreaterThan(200);
});

test('before a rate was measured, the ceiling grows fast (the first cut only bounded it from above)', () => {
  const rate = new AdaptiveRate();
  accept(rate, 10, 100, 1000);
  rate.finished(true, 1000);
  expect(rate.perSecond).toBe(9);
  tick(rate, 1000, 5000, 2);
  expect(rate.perSecond).toBeGreaterThan(9 * 2 * 2);
});

test('the ceiling is lifted once it no longer limits delivery', () => {
  const rate = new AdaptiveRate({ liftAfterMs: 10_000 });
  accept(rate, 100, 100, 1000);
  rate.finished(true, 1000);
  expect(rate.perSecond).toBe(90);
  tick(rate, 1100, 13_000);
  expect(rate.perSecond).toBeNull();
});

describe('against a destination taking N a second (a 1 s token bucket) and answering 429 + Retry-After: 1 above', () => {
  const cases = [20, 40, 80, 200, 500, 1000].flatMap((perSecond) => [
    { perSecond, latencyMs: 2, maxWakeMs: 5 },
    { perSecond, latencyMs: 50, maxWakeMs: 100 }, // a slower destination, a late-waking sender
  ]);
  test.each(cases)('N = $perSecond, latency $latencyMs ms, sender waking every ≤ $maxWakeMs ms: delivered within 10 % of N once settled, ≤ 3 % refused', (run) => {
    const r = simulateRateLimited(run);
    expect(r.delivered).toBe(run.perSecond * 40);
    const settled = r.acceptedPerSecond.slice(10, -2);
    const mean = settled.reduce((a, b) => a + b, 0) / settled.length;
    expect(mean).toBeGreaterThan(run.perSecond * 0.9);
    expect(mean).toBeLessThan(run.perSecond * 1.1);
    expect(r.retriedShare).toBeLessThan(0.03);
  });
});

test('a destination that raises its limit (100/s → 200/s at 20 s) is followed within 15 s, and the next refusal measures the new rate (the last 10 s); one that lowers it (200/s → 100/s) within 5 s, refusing under 5 %', () => {
  const mean = (perSecond: number[]) => perSecond.reduce((a, b) => a + b, 0) / perSecond.length;
  const raised = simulateRateLimited({ perSecond: 100, burst: 100, events: 8000, perSecondAt: (ms) => (ms < 20_000 ? 100 : 200) });
  expect(mean(raised.acceptedPerSecond.slice(35, 50))).toBeGreaterThan(180);
  const lowered = simulateRateLimited({ perSecond: 200, burst: 100, events: 6000, perSecondAt: (ms) => (ms < 20_000 ? 200 : 100) });
  const after = lowered.acceptedPerSecond.slice(25, -2);
  expect(mean(after)).toBeGreaterThan(90);
  expect(mean(after)).toBeLessThan(110);
  expect(lowered.retriedShare).toBeLessThan(0.05);
});

test('against a destination with a small burst (a tenth of a second): still within 10 % of N, refusing under 1 %', () => {
  const r = simulateRateLimited({ perSecond: 200, burst: 20 });
  const settled = r.acceptedPerSecond.slice(20, -2);
  const mean = settled.reduce((a, b) => a + b, 0) / settled.length;
  expect(mean).toBeGreaterThan(180);
  expect(mean).toBeLessThanOrEqual(201);
  expect(r.retriedShare).toBeLessThan(0.01);
});

import { DeliveryControl, type FinishedAttempt } from '../../runtime/delivery-control';
import { parseRetryAfter } from '../../runtime/delivery';

const ok: FinishedAttempt = { status: 'delivered', durationMs: 2, error: null };
const refused: FinishedAttempt = { status: 'retry', durationMs: 2, error: { name: 'RetryError', message: '503' } };

test('allowance: up to the adaptive limit minus what is in flight', () => {
  const c = new DeliveryControl({ maxConcurrency: 100, breaker: false }, 0);
  expect(c.allowance(0, 0)).toEqual({ count: 10, probe: false, waitMs: null });
  expect(c.allowance(7, 0)).toEqual({ count: 3, probe: false, waitMs: null });
  expect(c.allowance(10, 0)).toEqual({ count: 0, probe: false, waitMs: null });
});

test('a rateLimit is never exceeded: tokens bound the allowance, waitMs says when the next one comes', () => {
  const c = new DeliveryControl({ maxConcurrency: 100, rateLimit: { perSecond: 50, burst: 5 } }, 0);
  let started = 0;
  for (let now = 0; now <= 2000; now++) {
    const a = c.allowance(0, now);
    if (a.count > 0) { c.started(a.count, a.probe, now); started += a.count; }
    else expect(a.waitMs).toBeGreaterThan(0);
  }
  expect(started).toBeLessThanOrEqual(5 + 50 * 2);
  expect(started).toBeGreaterThanOrEqual(5 + 50 * 2 - 1);
  expect(c.status(2000).rateLimit).toEqual({ perSecond: 50, burst: 5 });
});

test('the breaker pauses: only one probe at a time, after probeMs; a delivered probe resumes from the initial limit', () => {
  const c = new DeliveryControl({ maxConcurrency: 100, breaker: { consecutive: 3, probeMs: 1000 } }, 0);
  c.started(3, false, 0);
  expect(c.finished(refused, 3, 10)).toBeNull();
  expect(c.finished(refused, 2, 11)).toBeNull();
  expect(c.finished(refused, 1, 12)).toBe('opened');
  expect(c.status(12)).toMatchObject({ paused: true, pausedBy: 'breaker', reason: '3 retryable failures in a row (last: RetryError)', pausedSince: 12, nextProbeAt: 1012 });
  expect(c.allowance(0, 500)).toEqual({ count: 0, probe: false, waitMs: 512 });
  expect(c.allowance(0, 1012)).toEqual({ count: 1, probe: true, waitMs: null });
  c.started(1, true, 1012);
  expect(c.allowance(1, 1013).count).toBe(0);
  expect(c.finished(refused, 1, 1020)).toBeNull();
  expect(c.allowance(0, 2000).count).toBe(0); // next probe 2 s later
  expect(c.allowance(0, 3020)).toMatchObject({ count: 1, probe: true });
  c.started(1, true, 3020);
  expect(c.finished(ok, 1, 3030)).toBe('closed');
  expect(c.status(3030)).toMatchObject({ paused: false, pausedBy: null, reason: null, limit: 10, recent: { delivered: 1, retried: 4, discarded: 0 } });
  expect(c.allowance(0, 3030).count).toBe(10);
});

test('an operator pause stops everything (no probe) until resume, which also closes an open breaker', () => {
  const c = new DeliveryControl({ maxConcurrency: 20, breaker: { consecutive: 1 } }, 0);
  c.pause('paused by destfn pause', 5);
  expect(c.status(6)).toMatchObject({ paused: true, pausedBy: 'operator', reason: 'paused by destfn pause', pausedSince: 5 });
  expect(c.allowance(0, 100_000)).toEqual({ count: 0, probe: false, waitMs: null });
  c.resume();
  c.finished(refused, 1, 10);
  expect(c.paused).toBe(true);
  c.resume();
  expect(c.paused).toBe(false);
  expect(c.allowance(0, 11).count).toBe(10);
});

test('refusals lower the limit and learn a rate ceiling (90 % of what was accepted in the last second)', () => {
  const c = new DeliveryControl({ maxConcurrency: 100, breaker: false }, 0);
  c.started(30, false, 0);
  for (let t = 0; t < 20; t++) c.finished(ok, 10, t * 10);
  for (let t = 200; t <= 400; t += 20) c.finished(refused, 10, t);
  const s = c.status(400);
  expect(s.limit).toBeLessThan(10);
  expect(s.learntRatePerSecond).toBe(18);
});

test('a Retry-After, in seconds or as a date, holds the learnt rate as long as it asks (it says when the destination takes more)', () => {
  const c = new DeliveryControl({ maxConcurrency: 100, breaker: false }, 0);
  const tooMany: FinishedAttempt = { ...refused, retryAfterMs: parseRetryAfter(new Date(8000).toUTCString(), 0) ?? undefined };
  c.started(20, false, 0);
  for (let t = 0; t < 20; t++) c.finished(ok, 1, t * 10);
  c.finished(tooMany, 1, 200);
  expect(c.status(200).learntRatePerSecond).toBe(18);
  const sendAtTheCeiling = (from: number, to: number) => {
    for (let now = from; now <= to; now += 10) {
      const a = c.allowance(0, now);
      if (a.count > 0) c.started(a.count, false, now);
    }
  };
  sendAtTheCeiling(200, 8100);
  expect(c.status(8100).learntRatePerSecond).toBe(18);
  sendAtTheCeiling(8110, 10_000);
  expect(c.status(10_000).learntRatePerSecond).toBeGreaterThan(18);
});

test('a function that throws its own errors keeps its limit and learns no rate (not the destination refusing)', () => {
  const c = new DeliveryControl({ maxConcurrency: 100, breaker: false }, 0);
  const bug: FinishedAttempt = { status: 'retry', durationMs: 2, error: { name: 'Error', message: 'boom' } };
  c.started(10, false, 0);
  for (let t = 0; t <= 200; t += 20) c.finished(bug, 10, t);
  const s = c.status(200);
  expect(s.limit).toBeGreaterThanOrEqual(10);
  expect(s.learntRatePerSecond).toBeNull();
});

test("a function's own error leaves the limit and rate alone; the same error right after a failed request lowers both", () => {
  const bug: FinishedAttempt = { status: 'retry', durationMs: 2, error: { name: 'Error', message: 'the API answered 503' } };
  const own = new DeliveryControl({ maxConcurrency: 100, breaker: false }, 0);
  const destination = new DeliveryControl({ maxConcurrency: 100, breaker: false }, 0);
  for (let now = 0; now <= 1000; now += 10) {
    own.finished(bug, 10, now);
    destination.finished({ ...bug, destinationFailed: true }, 10, now);
  }
  expect(own.limit).toBeGreaterThanOrEqual(10); // not lowered (its answers were fast: it may even grow)
  expect(own.status(1000).learntRatePerSecond).toBeNull();
  expect(destination.limit).toBeLessThan(10);
  expect(destination.status(1000).learntRatePerSecond).not.toBeNull();
});

import { AdaptiveConcurrency } from '../../runtime/delivery-control';

/** Feed `n` windows of samples at `latencyMs`, in flight at the limit (saturated), `stepMs` apart. */
function run(limiter: AdaptiveConcurrency, clock: { now: number }, windows: number, latencyMs: number, dropped = false): void {
  for (let w = 0; w < windows; w++) {
    const step = Math.max(100, latencyMs);
    // The first sample ever opens the first window.
    if (clock.now === 0) limiter.sample({ latencyMs, dropped, inFlight: limiter.limit }, 0);
    for (let i = 0; i < 4; i++) {
      clock.now += step / 4;
      limiter.sample({ latencyMs, dropped, inFlight: limiter.limit }, clock.now);
    }
  }
}

test('grows while latency is flat and answers are good, up to maxConcurrency', () => {
  const clock = { now: 0 };
  const limiter = new AdaptiveConcurrency({ max: 100 });
  expect(limiter.limit).toBe(10);
  run(limiter, clock, 5, 2);
  expect(limiter.limit).toBeGreaterThan(13);
  run(limiter, clock, 60, 2);
  expect(limiter.limit).toBe(100);
});

test('does not grow when the limit is not used (nothing to deliver)', () => {
  const limiter = new AdaptiveConcurrency({ max: 100 });
  for (let t = 0; t < 5000; t += 50) limiter.sample({ latencyMs: 2, dropped: false, inFlight: 1 }, t);
  expect(limiter.limit).toBe(10);
});

test('drops (429, 503, timeouts) shrink it multiplicatively, never below min', () => {
  const clock = { now: 0 };
  const limiter = new AdaptiveConcurrency({ max: 100, initial: 80 });
  run(limiter, clock, 1, 2, true);
  expect(limiter.limit).toBe(60);
  run(limiter, clock, 40, 2, true);
  expect(limiter.limit).toBe(1);
});

test('rising latency (the destination queues our requests) shrinks it; latency within tolerance does not', () => {
  const clock = { now: 0 };
  const limiter = new AdaptiveConcurrency({ max: 100, initial: 50 });
  run(limiter, clock, 3, 20);
  const before = limiter.limit;
  run(limiter, clock, 1, 35); // < 2 × 20 + 5: flat enough, grows
  expect(limiter.limit).toBeGreaterThan(before);
  const grown = limiter.limit;
  run(limiter, clock, 1, 100); // one slow window: a stall, not congestion
  expect(limiter.limit).toBe(grown);
  run(limiter, clock, 2, 100);
  expect(limiter.limit).toBeLessThan(grown);
});

test('a destination that becomes slower for good: backs off, then accepts the new latency and grows back to the ceiling', () => {
  const clock = { now: 0 };
  const limiter = new AdaptiveConcurrency({ max: 200 });
  run(limiter, clock, 80, 2);
  expect(limiter.limit).toBe(200);
  run(limiter, clock, 3, 200);
  const low = limiter.limit;
  expect(low).toBeLessThan(200);
  run(limiter, clock, 60, 200); // 60 windows of 200 ms = 12 s
  expect(limiter.limit).toBe(200);
  expect(limiter.baseline).toBeGreaterThan(100);
  expect(limiter.latencyMs).toBe(200);
});

test('a destination (or a machine) that is already at capacity: the limit stays where latency starts to queue, it does not creep up to the ceiling', () => {
  // Little's law at a fixed 3,000 answers/s: every request over ~6 in flight only waits, and latency grows with the limit.
  const clock = { now: 0 };
  const limiter = new AdaptiveConcurrency({ max: 200 });
  const limits: number[] = [];
  for (let w = 0; w < 600; w++) { // 60 s of 100 ms windows
    run(limiter, clock, 1, 2 + limiter.limit / 3);
    limits.push(limiter.limit);
  }
  const lastMinute = limits.slice(100);
  expect(Math.max(...lastMinute)).toBeLessThan(60); // ~2 × the no-queue latency + slack: about 40 in flight
  expect(Math.min(...lastMinute)).toBeGreaterThan(5);
});

test('backing off that does not bring the latency down makes it the new normal at once', () => {
  const clock = { now: 0 };
  const limiter = new AdaptiveConcurrency({ max: 200, initial: 100 });
  run(limiter, clock, 3, 2);
  const before = limiter.limit;
  run(limiter, clock, 2, 50); // 2 slow windows: not yet
  expect(limiter.limit).toBe(before);
  run(limiter, clock, 5, 50); // 5 backoffs (× 0.9) that change nothing
  expect(limiter.limit).toBeLessThan(before * 0.65);
  expect(limiter.baseline).toBe(2);
  run(limiter, clock, 1, 50);
  expect(limiter.baseline).toBe(50);
  const low = limiter.limit;
  run(limiter, clock, 1, 50);
  expect(limiter.limit).toBeGreaterThan(low);
});

test('a slower destination seen first through our own queueing: backoffs help at first, then stop helping, and the new latency is accepted', () => {
  const clock = { now: 0 };
  const limiter = new AdaptiveConcurrency({ max: 200, initial: 100 });
  run(limiter, clock, 3, 2);
  run(limiter, clock, 3, 400); // 200 ms at the destination + 200 ms waiting behind our own requests
  run(limiter, clock, 5, 200); // the wait is gone: backing off helped, the destination is still at 200 ms
  expect(limiter.baseline).toBe(2);
  run(limiter, clock, 6, 200); // five more backoffs change nothing
  expect(limiter.baseline).toBe(200);
  const low = limiter.limit;
  expect(low).toBeGreaterThan(10);
  run(limiter, clock, 20, 200);
  expect(limiter.limit).toBeGreaterThan(low * 3);
});

test('timeouts do not count as latency (only successes do)', () => {
  const clock = { now: 0 };
  const limiter = new AdaptiveConcurrency({ max: 10 });
  run(limiter, clock, 2, 5);
  run(limiter, clock, 1, 5000, true);
  expect(limiter.latencyMs).toBe(5);
});

test('reset goes back to the initial limit', () => {
  const clock = { now: 0 };
  const limiter = new AdaptiveConcurrency({ max: 100, initial: 4 });
  run(limiter, clock, 30, 2);
  expect(limiter.limit).toBeGreaterThan(4);
  limiter.reset();
  expect(limiter.limit).toBe(4);
});

test('latency shown: the successes so far until the first window closes (a few events, then none), then the last window\'s', () => {
  const limiter = new AdaptiveConcurrency({ max: 100 });
  expect(limiter.latencyMs).toBeNull();
  limiter.sample({ latencyMs: 80, dropped: false, inFlight: 2 }, 0);
  limiter.sample({ latencyMs: 20, dropped: false, inFlight: 1 }, 5);
  limiter.sample({ latencyMs: 900, dropped: true, inFlight: 1 }, 6); // a failure has no latency to show
  expect(limiter.latencyMs).toBe(50);
  limiter.sample({ latencyMs: 30, dropped: false, inFlight: 1 }, 100); // closes the window: 20, 30, 80
  limiter.sample({ latencyMs: 4, dropped: false, inFlight: 1 }, 120);
  expect(limiter.latencyMs).toBe(30);
});

/** The delivery control inside the destination Lambda (runtime/aws/limiter.ts limitDelivery), with a fake clock. */
import type { SQSRecord } from 'aws-lambda';
import type { DeliveryControlStatus } from '../../runtime/delivery-control';
import type { Outcome } from '../../runtime/delivery';
import { DeferredRecord, instanceShare, limitDelivery } from '../../runtime/aws/limiter';
import { ReportedFailure } from '../../runtime/aws/record-processor';

const record = (id: string) => ({ messageId: id, receiptHandle: `rh-${id}` }) as SQSRecord;
const tick = () => new Promise((r) => setImmediate(r));

function setup(recordConcurrency: number, behaviour: () => 'ok' | 'fail') {
  const clock = { now: 1_000_000 };
  const deferred: Array<[string, number]> = [];
  const metrics: DeliveryControlStatus[] = [];
  let running = 0;
  let peak = 0;
  let calls = 0;
  const release: Array<() => void> = [];
  const limited = limitDelivery({
    recordConcurrency,
    metric: (s) => metrics.push(s),
    tuning: { breaker: { consecutive: 3 } },
    now: () => clock.now,
  }, async (r: SQSRecord) => {
    calls++;
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => release.push(resolve));
    running--;
    if (behaviour() === 'fail') throw new ReportedFailure('retrying: RetryError');
    return r.messageId;
  });
  const releaseAll = async () => { while (release.length > 0) { release.shift()!(); await tick(); } };
  // A deferred record is not run: the limiter says for how long its message is to be hidden.
  const run = (r: SQSRecord) => limited(r).catch((err: unknown) => {
    if (err instanceof DeferredRecord) deferred.push([r.messageId, err.hideSeconds ?? -1]);
    throw err;
  });
  return { clock, deferred, metrics, limited, run, releaseAll, stats: () => ({ calls, peak, running }) };
}

test('runs at most the adaptive limit at once (initially min(10, recordConcurrency)); the others wait', async () => {
  const t = setup(25, () => 'ok');
  const all = Array.from({ length: 30 }, (_, i) => t.run(record(`m${i}`)));
  await tick();
  expect(t.stats()).toMatchObject({ running: 10 });
  await t.releaseAll();
  await expect(Promise.all(all)).resolves.toHaveLength(30);
  expect(t.stats().peak).toBe(10);
  expect(t.limited.control.status(t.clock.now).maxConcurrency).toBe(25);
});

test('a failing destination opens the breaker: records are deferred unrun (visibility ≥ 30 s, reported as failures), one probe later resumes', async () => {
  let mode: 'ok' | 'fail' = 'fail';
  const t = setup(5, () => mode);
  const first = Array.from({ length: 3 }, (_, i) => t.run(record(`f${i}`)).catch((e: unknown) => e));
  await tick();
  await t.releaseAll();
  expect((await Promise.all(first)).every((e) => e instanceof ReportedFailure && !(e instanceof DeferredRecord))).toBe(true);
  expect(t.limited.control.status(t.clock.now)).toMatchObject({ paused: true, pausedBy: 'breaker' });
  expect(t.metrics.at(-1)).toMatchObject({ paused: true });

  const deferredErr = await t.run(record('d1')).catch((e: unknown) => e);
  expect(deferredErr).toBeInstanceOf(DeferredRecord);
  expect(deferredErr).toBeInstanceOf(ReportedFailure); // the handler reports it without logging an error
  expect(t.deferred).toEqual([['d1', 30]]);
  expect(t.stats().calls).toBe(3);

  t.clock.now += 30_000; // the first probe is due
  mode = 'ok';
  const probe = t.run(record('p1'));
  const other = t.run(record('d2')).catch((e: unknown) => e);
  await tick();
  expect(await other).toBeInstanceOf(DeferredRecord); // only the probe runs
  await t.releaseAll();
  await expect(probe).resolves.toBe('p1');
  expect(t.limited.control.status(t.clock.now)).toMatchObject({ paused: false });
  expect(t.metrics.at(-1)).toMatchObject({ paused: false });
  const after = t.run(record('after'));
  await tick();
  await t.releaseAll();
  await expect(after).resolves.toBe('after');
  expect(t.stats().calls).toBe(5);
});

test('the deferral grows with the outage, up to 15 min', async () => {
  const t = setup(5, () => 'fail');
  const first = Array.from({ length: 3 }, (_, i) => t.run(record(`f${i}`)).catch(() => null));
  await tick();
  await t.releaseAll();
  await Promise.all(first);
  t.clock.now += 10 * 60_000; // paused 10 min, a probe is due: run it, it fails
  const probe = t.run(record('p')).catch(() => null);
  await tick();
  await t.releaseAll();
  await probe;
  await t.run(record('late')).catch(() => null);
  expect(t.deferred.at(-1)).toEqual(['late', 600]);
  t.clock.now += 60 * 60_000;
  const secondProbe = t.run(record('p2')).catch(() => null);
  await tick();
  await t.releaseAll();
  await secondProbe;
  await t.run(record('later')).catch(() => null);
  expect(t.deferred.at(-1)).toEqual(['later', 900]);
  expect(t.stats().calls).toBe(5); // 3 + 2 probes: the deferred ones never ran
});

test('rateLimit split over the concurrent invocations: never more in total, at least 1/s and a burst of 1 each', () => {
  expect(instanceShare({ perSecond: 100, burst: 20 }, 4)).toEqual({ perSecond: 25, burst: 5 });
  expect(instanceShare({ perSecond: 100 }, 2)).toEqual({ perSecond: 50, burst: 5 });
  expect(instanceShare({ perSecond: 3, burst: 1 }, 10)).toEqual({ perSecond: 0.3, burst: 1 });
  expect(instanceShare(null, 10)).toBeNull();
});

test('the attempt behind a retry reaches the control (failureOf): a 429 with Retry-After sets a learnt rate and keeps the concurrency limit; a 503 without one lowers the limit', async () => {
  type Failure = Pick<Outcome, 'error' | 'retryAfterMs'>;
  const failing = (outcome: Failure) => {
    const clock = { now: 1_000_000 };
    const limited = limitDelivery({ recordConcurrency: 20, tuning: { breaker: false }, now: () => clock.now }, async (): Promise<Failure> => {
      clock.now += 5;
      return outcome;
    }, { failureOf: (result) => result });
    return { clock, limited };
  };
  const rateLimited = failing({ error: { name: 'RetryError', message: 'webhook responded 429' }, retryAfterMs: 1000 });
  const overloaded = failing({ error: { name: 'RetryError', message: 'webhook responded 503' } });
  for (const t of [rateLimited, overloaded]) {
    for (let i = 0; i < 3; i++) {
      await t.limited(record(`r${i}`)).catch(() => undefined);
      t.clock.now += 2000; // the learnt rate's next token, on the fake clock
    }
  }
  const rate = rateLimited.limited.control.status(rateLimited.clock.now);
  expect(rate.limit).toBe(10);
  expect(rate.learntRatePerSecond).not.toBeNull();
  const overload = overloaded.limited.control.status(overloaded.clock.now);
  expect(overload.limit).toBeLessThan(10);
});

test('failureOf: a call that returns a retry outcome feeds the control as a failure; onIdle when none is left at the destination', async () => {
  const clock = { now: 1_000_000 };
  let idle = 0;
  const outcomes: Array<{ status: string; error: { name: string; message: string } | null }> = [];
  const limited = limitDelivery({ recordConcurrency: 20, tuning: { breaker: { consecutive: 3 } }, metric: null, now: () => clock.now },
    async (status: 'delivered' | 'retry') => {
      clock.now += 5;
      const outcome = { status, error: status === 'retry' ? { name: 'RetryError', message: 'webhook responded 503' } : null };
      outcomes.push(outcome);
      return outcome;
    }, {
      failureOf: (o) => (o.status === 'retry' ? { error: o.error } : null),
      onIdle: () => { idle++; },
    });
  await Promise.all([limited('delivered'), limited('delivered')]);
  expect(idle).toBe(1); // after the second, not the first
  for (let i = 0; i < 3; i++) {
    await limited('retry'); // returned, not thrown: still a failure
    clock.now += 2000; // past any backoff the failure set, on the fake clock
  }
  expect(limited.control.status(clock.now)).toMatchObject({ paused: true, pausedBy: 'breaker' });
  await expect(limited('delivered')).rejects.toBeInstanceOf(DeferredRecord);
  expect(outcomes).toHaveLength(5);
});

test('waiters start in arrival order, one woken per free slot (not all of them on every finish)', async () => {
  const started: number[] = [];
  const release: Array<() => void> = [];
  const limited = limitDelivery({ recordConcurrency: 3, tuning: { breaker: false }, metric: null }, async (n: number) => {
    started.push(n);
    await new Promise<void>((resolve) => release.push(resolve));
  });
  const checks = jest.spyOn(limited.control, 'allowance');
  const all = Array.from({ length: 40 }, (_, i) => limited(i));
  await tick();
  expect(started).toEqual([0, 1, 2]);
  while (release.length > 0) { release.shift()!(); await tick(); await tick(); }
  await Promise.all(all);
  expect(started).toEqual(Array.from({ length: 40 }, (_, i) => i));
  // About two checks per event (its own, and the next waiter's that finds no slot); waking every waiter on each
  // finish made it about 20 per event here.
  expect(checks.mock.calls.length).toBeLessThan(40 * 3);
});

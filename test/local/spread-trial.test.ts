/**
 * SpreadTrial on a fake clock: an extra worker stays only when the events finished per second grew by SPREAD_GAIN
 * over its trial; a retired one blocks the next spread for 30 s, then 60 s, and a kept one resets that.
 */
import { SPREAD_GAIN, SpreadTrial } from '../../runtime/local/spread-trial';

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

/** `perSecond` events finished, in 20 ms steps, for `ms`. */
function run(trial: SpreadTrial, clock: ReturnType<typeof fakeClock>, perSecond: number, ms: number): void {
  for (let elapsed = 0; elapsed < ms; elapsed += 20) {
    clock.advance(20);
    trial.finished(perSecond / 50);
  }
}

test('an extra worker that doubled the rate is kept; one that left it flat is retired, and the next spread backs off', () => {
  const clock = fakeClock();
  const trial = new SpreadTrial(3000, clock.now);
  run(trial, clock, 1000, 5000);
  expect(trial.allowed).toBe(true);
  trial.started();
  expect(trial.allowed).toBe(false); // one trial at a time
  run(trial, clock, 1000, 200); // the worker loads
  trial.ready();
  run(trial, clock, 2000, 2980);
  expect(trial.verdict()).toBeNull(); // before its trial time
  run(trial, clock, 2000, 40);
  expect(trial.verdict()).toBe('keep');
  expect(trial.allowed).toBe(true);

  trial.started();
  trial.ready();
  run(trial, clock, 2000 * SPREAD_GAIN * 0.95, 3020);
  expect(trial.verdict()).toBe('retire');
  expect(trial.allowed).toBe(false);
  run(trial, clock, 2000, 29_900);
  expect(trial.allowed).toBe(false);
  run(trial, clock, 2000, 200);
  expect(trial.allowed).toBe(true);

  // A second failure in a row waits twice as long.
  trial.started();
  trial.ready();
  run(trial, clock, 1000, 3020);
  expect(trial.verdict()).toBe('retire');
  clock.advance(59_900);
  expect(trial.allowed).toBe(false);
  clock.advance(200);
  expect(trial.allowed).toBe(true);
});

test('the rate before a spread counts only the time the function was finishing events, not the quiet before it', () => {
  const clock = fakeClock();
  const trial = new SpreadTrial(3000, clock.now);
  // A burst starts after a quiet spell: 1,000/s for 0.6 s. Over a full 3 s window that would read 200/s, and any
  // extra worker would look like a gain; over the 0.6 s it ran it reads 1,000/s.
  clock.advance(10_000);
  run(trial, clock, 1000, 600);
  trial.started();
  trial.ready();
  run(trial, clock, 1000, 3020);
  expect(trial.verdict()).toBe('retire');
});

test('no verdict before the extra worker is ready, and none for a worker that stopped on its own', () => {
  const clock = fakeClock();
  const trial = new SpreadTrial(3000, clock.now);
  run(trial, clock, 1000, 3000);
  trial.started();
  run(trial, clock, 1000, 5000); // still loading: its trial has not begun
  expect(trial.verdict()).toBeNull();
  trial.abandon();
  expect(trial.running).toBe(false);
  expect(trial.allowed).toBe(true);
  expect(trial.verdict()).toBeNull();
});

test('the rate before a spread is the last second\'s, not a warm-up that was slower: a worker that adds 10 % is retired', () => {
  const clock = fakeClock();
  const trial = new SpreadTrial(3000, clock.now);
  // The first worker warms up (200/s, then 600/s) before it runs at 1,000/s; averaged over 3 s that would read
  // ~600/s, and 1,100/s after the spread would look like a gain of 1.8 ×.
  run(trial, clock, 200, 1000);
  run(trial, clock, 600, 1000);
  run(trial, clock, 1000, 1000);
  trial.started();
  trial.ready();
  run(trial, clock, 1100, 3020);
  expect(trial.verdict()).toBe('retire');
});

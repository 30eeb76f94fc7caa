import { MAX_DELAY_MS, nextRetry } from '../../runtime/delivery';

const HOUR = 60 * 60 * 1000;
const DEFAULT = { attempts: 10, windowHours: 4 };

/** Every delay of one event that fails every attempt. */
function schedule(config: { attempts: number; windowHours: number }, random: () => number = Math.random): number[] {
  const delays: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const next = nextRetry(attempt, config, random);
    if (!next.retry) return delays;
    delays.push(next.delayMs);
  }
}
const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);

describe('retry policy', () => {
  test('default: 10 attempts = 9 retries, and the total lands within 3.5–4.5 h over 10,000 random schedules', () => {
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < 10_000; i++) {
      const delays = schedule(DEFAULT);
      expect(delays).toHaveLength(9);
      const total = sum(delays);
      min = Math.min(min, total);
      max = Math.max(max, total);
    }
    expect(min).toBeGreaterThanOrEqual(3.5 * HOUR);
    expect(max).toBeLessThanOrEqual(4.5 * HOUR);
    expect(max - min).toBeGreaterThan(0.1 * HOUR); // really randomized
  });

  test('the extremes of the jitter still land within 3.5–4.5 h', () => {
    expect(sum(schedule(DEFAULT, () => 0))).toBeGreaterThanOrEqual(3.5 * HOUR);
    expect(sum(schedule(DEFAULT, () => 0.999999))).toBeLessThanOrEqual(4.5 * HOUR);
  });

  test('delays grow monotonically, whatever the jitter', () => {
    for (let i = 0; i < 1000; i++) {
      const delays = schedule(DEFAULT);
      for (let k = 1; k < delays.length; k++) expect(delays[k]).toBeGreaterThan(delays[k - 1]);
    }
    const worst = [0.999999, 0];
    let n = 0;
    const alternating = schedule(DEFAULT, () => worst[n++ % 2]);
    for (let k = 1; k < alternating.length; k++) expect(alternating[k]).toBeGreaterThan(alternating[k - 1]);
  });

  test('no delay exceeds 12 h, even for a long window with few attempts', () => {
    expect(MAX_DELAY_MS).toBe(12 * HOUR);
    for (const config of [{ attempts: 2, windowHours: 72 }, { attempts: 5, windowHours: 72 }, { attempts: 3, windowHours: 30 }]) {
      const delays = schedule(config, () => 0.999999);
      expect(Math.max(...delays)).toBe(MAX_DELAY_MS);
    }
    expect(schedule({ attempts: 50, windowHours: 72 }).every((d) => d >= 1 && d <= MAX_DELAY_MS)).toBe(true);
  });

  test('the attempts config sets the number of retries and the window their total', () => {
    expect(schedule({ attempts: 1, windowHours: 4 })).toEqual([]);
    expect(schedule({ attempts: 3, windowHours: 1 }, () => 0.5)).toEqual([20 * 60 * 1000, 40 * 60 * 1000]);
    const delays = schedule({ attempts: 5, windowHours: 1 });
    expect(delays).toHaveLength(4);
    expect(sum(delays)).toBeGreaterThanOrEqual(0.9 * HOUR);
    expect(sum(delays)).toBeLessThanOrEqual(1.1 * HOUR);
  });

  test('gives up at the last attempt, and after it', () => {
    expect(nextRetry(9, DEFAULT).retry).toBe(true);
    expect(nextRetry(10, DEFAULT)).toEqual({ retry: false });
    expect(nextRetry(11, DEFAULT)).toEqual({ retry: false });
    expect(nextRetry(1, { attempts: 1, windowHours: 4 })).toEqual({ retry: false });
  });

  test('the first retry of the default schedule comes after about half a minute', () => {
    const first = nextRetry(1, DEFAULT, () => 0.5);
    expect(first).toEqual({ retry: true, delayMs: Math.round((4 * HOUR) / 511) });
  });
});

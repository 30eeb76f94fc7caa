import { defaultBurst, TokenBucket } from '../../runtime/delivery-control';

test('starts full at burst, refills at perSecond, never above burst', () => {
  const b = new TokenBucket(10, 3, 0);
  expect(b.take(5, 0)).toBe(3);
  expect(b.take(1, 0)).toBe(0);
  expect(b.msUntilToken(0)).toBe(100);
  expect(b.available(250)).toBe(2);
  expect(b.available(10_000)).toBe(3);
});

test('over any interval it grants at most burst + perSecond × t', () => {
  const b = new TokenBucket(100, 5, 0);
  let granted = 0;
  for (let t = 0; t <= 2000; t += 7) granted += b.take(1000, t);
  expect(granted).toBeLessThanOrEqual(5 + 100 * 2);
  expect(granted).toBeGreaterThanOrEqual(5 + 100 * 2 - 2);
});

test('setRate keeps earned tokens up to the new burst', () => {
  const b = new TokenBucket(10, 10, 0);
  b.setRate(1, 2, 0);
  expect(b.available(0)).toBe(2);
  expect(b.take(2, 0)).toBe(2);
  expect(b.msUntilToken(0)).toBe(1000);
});

test('default burst: a tenth of a second, at least 1', () => {
  expect(defaultBurst(5)).toBe(1);
  expect(defaultBurst(1000)).toBe(100);
});

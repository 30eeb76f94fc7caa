import { isIsoTimestamp } from '../../runtime/events/iso-timestamp';

/** For toISOString's shape, a real date and time is exactly one that Date gives back unchanged (no roll-over). */
const roundTrips = (value: string): boolean => {
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === value;
};

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A small deterministic generator, so a failure names a string that fails again. */
function* candidates(count: number): Generator<string> {
  let seed = 42;
  const next = (below: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % below;
  };
  const years = [0, 4, 100, 400, 1900, 1999, 2000, 2024, 2025, 2026, 2100, 9999];
  for (let i = 0; i < count; i++) {
    const year = next(2) === 0 ? years[next(years.length)] : next(10000);
    const month = next(15), day = next(33), hour = next(26), minute = next(62), second = next(62), ms = next(1000);
    yield `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}Z`;
  }
}

describe('isIsoTimestamp', () => {
  test("toISOString's shape: true exactly for the dates and times that exist", () => {
    let valid = 0;
    for (const value of candidates(20_000)) {
      const expected = roundTrips(value);
      if (isIsoTimestamp(value) !== expected) throw new Error(`${value}: expected ${expected}`);
      if (expected) valid++;
    }
    expect(valid).toBeGreaterThan(5_000); // the generator reaches both answers
    expect(valid).toBeLessThan(15_000);
  });

  test.each([
    ['2026-11-30T17:34:32.123Z', true],
    ['2024-02-29T00:00:00.000Z', true],
    ['2000-02-29T23:59:59.999Z', true],
    ['2100-02-29T00:00:00.000Z', false],
    ['2025-02-29T00:00:00.000Z', false],
    ['2026-04-31T00:00:00.000Z', false],
    ['2026-00-10T00:00:00.000Z', false],
    ['2026-11-00T00:00:00.000Z', false],
    ['2026-11-30T24:00:00.000Z', false],
    ['2026-11-30T23:60:00.000Z', false],
    ['2026-11-30T23:00:60.000Z', false],
    ['2026-11-3OT23:00:00.000Z', false],
    ['2026-11-30T23:00:00.0a0Z', false],
    ['+26-11-30T23:00:00.000Z', false],
  ])('%s → %s', (value, expected) => {
    expect(isIsoTimestamp(value)).toBe(expected);
  });

  test.each([
    ['2026-11-30', true],
    ['2026-02-30', false],
    ['2026-11-30T17:34Z', true],
    ['2026-11-30T17:34:32Z', true],
    ['2026-11-30 17:34:32+02:00', true],
    ['2026-11-30T17:34:32.1234567+0200', true],
    ['2026-11-30t17:34:32.123z', true],
    ['2026-11-30T17:34:32.12Z', true],
    ['2025-02-29T10:00:00Z', false],
    ['2026-11-21T24:00:00Z', false],
    ['2026-11-21T23:59:60+01:00', false],
    ['2026-13-45T99:00:00Z', false],
    ['yesterday', false],
    ['', false],
    ['1732000000', false],
  ])('other ISO-8601 shapes: %s → %s', (value, expected) => {
    expect(isIsoTimestamp(value)).toBe(expected);
  });
});

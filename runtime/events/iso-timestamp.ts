/**
 * Whether a string is an ISO-8601 timestamp of a real calendar date and time. Date.parse alone rolls
 * 2026-02-30 over to March 2nd, and accepts shapes ISO-8601 does not.
 */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

function isRealDateTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59;
}

const ZERO = 48;

/** The digits of `value` from `start` to `end` as a number, or -1 when one of them is not a digit. */
function digits(value: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = value.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `Date.prototype.toISOString`'s shape, `2026-11-30T17:34:32.123Z`, which nearly every Segment library sends: read
 * without a regex or Date.parse (ingest checks up to four timestamps per event). Null for any other shape.
 */
function checkToIsoStringShape(value: string): boolean | null {
  if (value.length !== 24 || value[4] !== '-' || value[7] !== '-' || value[10] !== 'T' || value[13] !== ':' || value[16] !== ':'
    || value[19] !== '.' || value[23] !== 'Z') return null;
  const year = digits(value, 0, 4), month = digits(value, 5, 7), day = digits(value, 8, 10);
  const hour = digits(value, 11, 13), minute = digits(value, 14, 16), second = digits(value, 17, 19), ms = digits(value, 20, 23);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || ms < 0) return false;
  return isRealDateTime(year, month, day, hour, minute, second);
}

export function isIsoTimestamp(value: string): boolean {
  const fast = checkToIsoStringShape(value);
  if (fast !== null) return fast;
  const m = ISO_8601.exec(value);
  if (!m || Number.isNaN(Date.parse(value))) return false;
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  return isRealDateTime(Number(m[1]), Number(m[2]), Number(m[3]), hour, minute, second);
}

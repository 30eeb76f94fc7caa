/** Retry-After: parsed from a response, passed on a RetryError, and what the settle decision makes of it. */
import { decideSettle, MAX_DELAY_MS, nextRetry, parseRetryAfter } from '../../runtime/delivery';
import { RetryError } from '../../runtime/api/errors';
import { TmpFunctions } from '../runtime/support/tmp-function';
import { track } from '../runtime/support/events';
import { startHttpSink, type HttpSink } from '../aws/support/http-sink';

const RETRY = { attempts: 3, windowHours: 1 }; // policy: 20 min, then 40 min
const middle = () => 0.5;
const tmp = new TmpFunctions();
let sink: HttpSink;

beforeAll(async () => { sink = await startHttpSink(); });
afterAll(async () => { tmp.cleanup(); await sink.close(); });

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  test('delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0); // in the past
  });
  test('anything else is no Retry-After', () => {
    for (const v of [null, undefined, '', '-1', '1e3', 'soon', 'Thu, 99 Foo']) expect(parseRetryAfter(v, now)).toBeNull();
  });
});

describe('the settle decision with a Retry-After', () => {
  const policy = (attempt: number) => (nextRetry(attempt, RETRY, middle) as { delayMs: number }).delayMs;
  test('waits max(policy delay, Retry-After)', () => {
    expect(decideSettle('retry', 1, RETRY, middle, { retryAfterMs: 60 * 60_000 })).toEqual({ action: 'retry', status: 'retrying', delayMs: 60 * 60_000 });
    expect(decideSettle('retry', 1, RETRY, middle, { retryAfterMs: 5000 })).toEqual({ action: 'retry', status: 'retrying', delayMs: policy(1) });
  });
  test('the scale shrinks the policy delay, never a Retry-After', () => {
    expect(decideSettle('retry', 1, RETRY, middle, { scale: 0.001 })).toMatchObject({ delayMs: Math.round(policy(1) * 0.001) });
    expect(decideSettle('retry', 1, RETRY, middle, { scale: 0.001, retryAfterMs: 7000 })).toMatchObject({ delayMs: 7000 });
  });
  test('capped at 12 h; the last attempt is dead-lettered whatever the Retry-After', () => {
    expect(decideSettle('retry', 1, RETRY, middle, { retryAfterMs: 48 * 3600_000 })).toMatchObject({ delayMs: MAX_DELAY_MS });
    expect(decideSettle('retry', 3, RETRY, middle, { retryAfterMs: 1000 })).toEqual({ action: 'dead-letter', status: 'failed' });
  });
});

describe('a function passing the delay', () => {
  test("RetryError(message) still works as Segment's; the option is kept", () => {
    expect(new RetryError('x')).toMatchObject({ name: 'RetryError', message: 'x' });
    expect(new RetryError('x').retryAfterSeconds).toBeUndefined();
    expect(new RetryError('x', { retryAfterSeconds: 30 }).retryAfterSeconds).toBe(30);
  });

  test("function code's RetryError with retryAfterSeconds → the outcome's retryAfterMs", async () => {
    const outcome = await tmp.instance({ 'index.js': "async function onTrack() { throw new RetryError('slow down', { retryAfterSeconds: 90 }); }" }).invoke(track());
    expect(outcome).toMatchObject({ status: 'retry', reason: 'retry-error', retryAfterMs: 90_000 });
  });

  test("a RetryError thrown after a 429 takes the response's Retry-After; after a 503 without one, nothing", async () => {
    const code = `async function onTrack(event, settings) {
      const res = await fetch(settings.url + event.properties.path, { method: 'POST', body: '{}' });
      if (res.status === 429 || res.status >= 500) throw new RetryError('answered ' + res.status);
      if (res.status >= 400) throw new Error('answered ' + res.status);
    }`;
    const instance = tmp.instance({
      'function.json': { settings: { url: { type: 'string', required: true } } },
      'index.js': code,
    }, { url: sink.url });
    expect(await instance.invoke(track({ properties: { path: '/busy' } }))).toMatchObject({ reason: 'retry-error', retryAfterMs: 7000 });
    expect((await instance.invoke(track({ properties: { path: '/fail' } }))).retryAfterMs).toBeUndefined();
    expect((await instance.invoke(track({ properties: { path: '/bad' } }))).retryAfterMs).toBeUndefined();
  });
});

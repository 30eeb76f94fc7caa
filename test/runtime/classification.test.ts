import { EVENT_TYPES } from '../../runtime/events/types';
import { TmpFunctions } from './support/tmp-function';
import { sample, track } from './support/events';

const tmp = new TmpFunctions();
afterAll(() => tmp.cleanup());

function instanceThatThrows(statement: string, config: object = {}) {
  return tmp.instance({ 'function.json': config, 'index.js': `async function onTrack(event, settings) { ${statement} }` });
}

describe('dispatch', () => {
  test('each event type goes to its handler', async () => {
    const handlers = ['onTrack', 'onIdentify', 'onPage', 'onScreen', 'onGroup', 'onAlias', 'onDelete'];
    const instance = tmp.instance({
      'index.js': handlers.map((h) => `async function ${h}(event) { return '${h}:' + event.type; }`).join('\n'),
    });
    const results = await Promise.all(EVENT_TYPES.map(async (type) => (await instance.invoke(sample(type))).result));
    expect(results).toEqual(EVENT_TYPES.map((type, i) => `${handlers[i]}:${type}`));
  });

  test('a missing handler is EventNotSupported, naming the type', async () => {
    const outcome = await tmp.instance({ 'index.js': 'async function onTrack() {}' }).invoke(sample('page'));
    expect(outcome).toMatchObject({
      status: 'discarded',
      reason: 'unsupported',
      result: undefined,
      error: { name: 'EventNotSupported', message: 'Event type "page" is not supported (the function defines no onPage handler)' },
    });
  });

  test('an unknown type is EventNotSupported too', async () => {
    const outcome = await tmp.instance({ 'index.js': 'async function onTrack() {}' }).invoke(sample('bogus' as 'track'));
    expect(outcome.error).toEqual({ name: 'EventNotSupported', message: 'Event type "bogus" is not supported' });
  });

  test('a synchronous handler works; the outcome carries messageId and duration', async () => {
    const event = track();
    const outcome = await tmp.instance({ 'index.js': 'function onTrack(e) { return { id: e.messageId }; }' }).invoke(event);
    expect(outcome).toMatchObject({ messageId: event.messageId, status: 'delivered', reason: null, error: null, result: { id: event.messageId } });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe('classification (the error table of docs/ARCHITECTURE.md, "Errors and retries")', () => {
  test.each([
    ['returned', 'return await Promise.resolve({ ok: 1 });', 'delivered', null, null],
    ['returned nothing', 'return;', 'delivered', null, null],
    ['EventNotSupported thrown explicitly', 'throw new EventNotSupported("nope");', 'discarded', 'unsupported', 'EventNotSupported'],
    ['InvalidEventPayload', 'throw new InvalidEventPayload("email missing");', 'discarded', 'invalid-event', 'InvalidEventPayload'],
    ['ValidationError', 'throw new ValidationError("expired key");', 'discarded', 'invalid-settings', 'ValidationError'],
    ['RetryError', 'throw new RetryError("503 from API");', 'retry', 'retry-error', 'RetryError'],
    ['TypeError', 'null.x;', 'retry', 'error', 'TypeError'],
    ['plain Error', 'throw new Error("boom");', 'retry', 'error', 'Error'],
    ['FetchError', 'await fetch("http://nonexistent.invalid/");', 'retry', 'error', 'FetchError'],
    ['thrown string', 'throw "just a string";', 'retry', 'error', 'Error'],
    ['thrown object', 'throw { code: 42 };', 'retry', 'error', 'Error'],
    ['object shaped like RetryError (not an Error)', 'throw { name: "RetryError", message: "x" };', 'retry', 'error', 'Error'],
    ['own class named like ours', 'class RetryError2 extends Error { constructor(m) { super(m); this.name = "InvalidEventPayload"; } } throw new RetryError2("x");', 'discarded', 'invalid-event', 'InvalidEventPayload'],
    ['subclass of an injected class', 'class Upstream extends RetryError { constructor() { super("upstream"); this.name = "Upstream"; } } throw new Upstream();', 'retry', 'retry-error', 'Upstream'],
  ])('%s', async (_label, statement, status, reason, errorName) => {
    const outcome = await instanceThatThrows(statement).invoke(track());
    expect(outcome.status).toBe(status);
    expect(outcome.reason).toBe(reason);
    expect(outcome.error?.name ?? null).toBe(errorName);
  });

  test('messages of thrown values', async () => {
    expect((await instanceThatThrows('throw "just a string";').invoke(track())).error).toEqual({ name: 'Error', message: 'just a string' });
    expect((await instanceThatThrows('throw { code: 42 };').invoke(track())).error).toEqual({ name: 'Error', message: '{"code":42}' });
    expect((await instanceThatThrows('throw new ValidationError("expired key");').invoke(track())).error)
      .toEqual({ name: 'ValidationError', message: 'expired key' });
  });

  test('a synchronous throw is classified like an async one', async () => {
    const outcome = await tmp.instance({ 'index.js': 'function onTrack() { throw new RetryError("sync"); }' }).invoke(track());
    expect(outcome).toMatchObject({ status: 'retry', reason: 'retry-error', error: { name: 'RetryError', message: 'sync' } });
  });

  test('onUnknownError "discard" discards any other throw, and only that', async () => {
    const config = { onUnknownError: 'discard' };
    expect(await instanceThatThrows('throw new TypeError("bad");', config).invoke(track()))
      .toMatchObject({ status: 'discarded', reason: 'error', error: { name: 'TypeError', message: 'bad' } });
    expect(await instanceThatThrows('throw "str";', config).invoke(track())).toMatchObject({ status: 'discarded', reason: 'error' });
    expect(await instanceThatThrows('throw new RetryError("x");', config).invoke(track())).toMatchObject({ status: 'retry', reason: 'retry-error' });
  });

  test('timeout: retry with reason "timeout", naming the function and the seconds', async () => {
    const instance = tmp.instance({ 'function.json': { timeoutSeconds: 0.1 }, 'index.js': 'async function onTrack() { await new Promise(() => {}); }' }, {}, 'slowpoke');
    expect(await instance.invoke(track())).toMatchObject({
      status: 'retry',
      reason: 'timeout',
      error: { name: 'TimeoutError', message: 'function "slowpoke" timed out after 0.1 s' },
    });
  });

  test('the timeout is not affected by onUnknownError "discard"', async () => {
    const instance = tmp.instance({ 'function.json': { timeoutSeconds: 0.05, onUnknownError: 'discard' }, 'index.js': 'async function onTrack() { await new Promise(() => {}); }' });
    expect(await instance.invoke(track())).toMatchObject({ status: 'retry', reason: 'timeout' });
  });

  test('long error messages are capped', async () => {
    const outcome = await instanceThatThrows('throw new Error("x".repeat(5000));').invoke(track());
    expect(outcome.error?.message.length).toBe(1001);
  });
});

import { TmpFunctions } from './support/tmp-function';
import { sample, track } from './support/events';

const tmp = new TmpFunctions();
afterAll(() => tmp.cleanup());

const batchOf = (n: number) => Array.from({ length: n }, (_, i) => track({ properties: { i } }));

describe('onBatch', () => {
  test('receives every event (any type) and results are aligned by index', async () => {
    const instance = tmp.instance({
      'index.js': `async function onBatch(events, settings) {
        console.log('batch of', events.length);
        return events.map((e, i) => {
          if (e.type === 'identify') return new InvalidEventPayload('no traits at ' + i);
          if (i === 2) return { error: new RetryError('upstream 503') };
          if (i === 3) return { error: 'just data, not an Error' };
          return { index: i, type: e.type };
        });
      }`,
    });
    const events = [track(), sample('identify'), track(), sample('page'), sample('group')];
    const outcomes = await instance.invokeBatch(events);
    expect(outcomes.map((o) => o.messageId)).toEqual(events.map((e) => e.messageId));
    expect(outcomes.map((o) => [o.status, o.reason])).toEqual([
      ['delivered', null], ['discarded', 'invalid-event'], ['retry', 'retry-error'], ['delivered', null], ['delivered', null],
    ]);
    expect(outcomes[0].result).toEqual({ index: 0, type: 'track' });
    expect(outcomes[1].error).toEqual({ name: 'InvalidEventPayload', message: 'no traits at 1' });
    expect(outcomes[3].result).toEqual({ error: 'just data, not an Error' });
    for (const o of outcomes) expect(o.logs).toEqual(['batch of 5']);
  });

  test("Segment's partial failure, one {status, errormessage} per event: 5xx, 429 and 408 retried, another 4xx discarded, the rest delivered", async () => {
    const instance = tmp.instance({
      'index.js': `async function onBatch(events) {
        return [{ status: 200 }, { status: 400, errormessage: 'Bad Request' }, { status: 500, errormessage: 'Error processing request' },
          { status: 429 }, { status: 408 }, { status: 204, body: 'ok' }];
      }`,
    });
    const events = batchOf(6);
    const outcomes = await instance.invokeBatch(events);
    expect(outcomes.map((o) => [o.status, o.reason, o.error?.name ?? null])).toEqual([
      ['delivered', null, null], ['discarded', 'invalid-event', 'InvalidEventPayload'], ['retry', 'retry-error', 'RetryError'],
      ['retry', 'retry-error', 'RetryError'], ['retry', 'retry-error', 'RetryError'], ['delivered', null, null],
    ]);
    expect(outcomes[1].error?.message).toBe('Bad Request (status 400)');
    expect(outcomes[2].error?.message).toBe('Error processing request (status 500)');
    expect(outcomes[3].error?.message).toBe('status 429');
    expect(outcomes[0].result).toEqual({ status: 200 });
  });

  test('a throw classifies every event of the batch', async () => {
    const instance = tmp.instance({ 'index.js': 'async function onBatch() { throw new RetryError("429"); }' });
    const outcomes = await instance.invokeBatch(batchOf(3));
    expect(outcomes.map((o) => [o.status, o.reason, o.error?.message])).toEqual(Array(3).fill(['retry', 'retry-error', '429']));
  });

  test('a non-array return delivers every event with that result', async () => {
    const instance = tmp.instance({ 'index.js': 'async function onBatch(events) { return { accepted: events.length }; }' });
    const outcomes = await instance.invokeBatch(batchOf(2));
    expect(outcomes.map((o) => [o.status, o.result])).toEqual([['delivered', { accepted: 2 }], ['delivered', { accepted: 2 }]]);
  });

  test('a short result array fails the events without a result (retried, never silently delivered)', async () => {
    const instance = tmp.instance({ 'index.js': 'async function onBatch(events) { return ["only one"]; }' });
    const outcomes = await instance.invokeBatch(batchOf(3));
    expect(outcomes[0]).toMatchObject({ status: 'delivered', result: 'only one' });
    expect(outcomes[1]).toMatchObject({ status: 'retry', reason: 'error', error: { message: 'onBatch returned 1 results for 3 events (none for index 1)' } });
    expect(outcomes[2].status).toBe('retry');
  });

  test('a batch timeout fails every event with reason timeout', async () => {
    const instance = tmp.instance({ 'function.json': { timeoutSeconds: 0.05 }, 'index.js': 'async function onBatch() { await new Promise(() => {}); }' });
    const outcomes = await instance.invokeBatch(batchOf(2));
    expect(outcomes.map((o) => o.reason)).toEqual(['timeout', 'timeout']);
  });

  test('drop paths apply to batches; events are copies', async () => {
    const instance = tmp.instance({
      'function.json': { drop: ['context.ip', 'properties.i'] },
      'index.js': 'async function onBatch(events) { const seen = events.map((e) => [e.context.ip, e.properties.i]); events[0].userId = "mutated"; return seen; }',
    });
    const events = batchOf(2);
    const outcomes = await instance.invokeBatch(events);
    expect(outcomes.map((o) => o.result)).toEqual([[null, null], [null, null]]);
    expect(events[0].userId).toBe('user-1');
    expect(events[0].context?.ip).toBe('203.0.113.7');
  });

  test('an empty batch gives no outcomes', async () => {
    const instance = tmp.instance({ 'index.js': 'async function onBatch() { throw new Error("never called"); }' });
    expect(await instance.invokeBatch([])).toEqual([]);
  });
});

describe('a lone event of a function with onBatch', () => {
  // Segment calls the batch handler even for a batch of one (segmentio/segment-docs#1734): a function may define
  // onBatch alone. AWS invokes events one by one, and locally an event that arrives alone runs alone.
  test('with onBatch only: onBatch gets it as a batch of one, through invoke and invokeJson alike', async () => {
    const instance = tmp.instance({
      'index.js': `async function onBatch(events) {
        console.log('batch of', events.length);
        return events.map((e) => ({ got: e.type, id: e.messageId }));
      }`,
    });
    const event = track();
    for (const outcome of [await instance.invoke(event), await instance.invokeJson(JSON.stringify(event))]) {
      expect(outcome).toMatchObject({ messageId: event.messageId, status: 'delivered', result: { got: 'track', id: event.messageId }, logs: ['batch of 1'] });
    }
  });

  test('with a handler for its type too: that handler runs; a type without one goes to onBatch, not discarded', async () => {
    const instance = tmp.instance({
      'index.js': `async function onTrack(event) { return 'onTrack'; }
        async function onBatch(events) { return events.map((e) => 'onBatch ' + e.type); }`,
    });
    expect((await instance.invoke(track())).result).toBe('onTrack');
    expect(await instance.invokeJson(JSON.stringify(sample('identify')))).toMatchObject({ status: 'delivered', result: 'onBatch identify' });
    expect(await instance.invoke(sample('page'))).toMatchObject({ status: 'delivered', result: 'onBatch page' });
  });

  test('a batch handler that throws EventNotSupported still discards it', async () => {
    const instance = tmp.instance({ 'index.js': 'async function onBatch() { throw new EventNotSupported("no pages here"); }' });
    expect(await instance.invoke(sample('page'))).toMatchObject({ status: 'discarded', reason: 'unsupported', error: { name: 'EventNotSupported', message: 'no pages here' } });
  });
});

describe('without onBatch', () => {
  test('falls back to one call per event, aligned, with per-event logs and classification', async () => {
    const instance = tmp.instance({
      'index.js': `async function onTrack(event) {
        console.log('event', event.properties.i);
        await new Promise((r) => setTimeout(r, 5 - event.properties.i));
        if (event.properties.i === 1) throw new ValidationError('bad key');
        return event.properties.i;
      }`,
    });
    const events = [...batchOf(4), sample('page')];
    const outcomes = await instance.invokeBatch(events);
    expect(outcomes.map((o) => o.messageId)).toEqual(events.map((e) => e.messageId));
    expect(outcomes.map((o) => [o.status, o.result ?? o.error?.name])).toEqual([
      ['delivered', 0], ['discarded', 'ValidationError'], ['delivered', 2], ['delivered', 3], ['discarded', 'EventNotSupported'],
    ]);
    expect(outcomes.map((o) => o.logs)).toEqual([['event 0'], ['event 1'], ['event 2'], ['event 3'], []]);
  });

  test('runs a few events at a time', async () => {
    const instance = tmp.instance({
      'index.js': `var active = 0, peak = 0;
        async function onTrack() { active++; peak = Math.max(peak, active); await new Promise((r) => setTimeout(r, 5)); active--; return peak; }`,
    });
    const outcomes = await instance.invokeBatch(batchOf(30));
    const peak = Math.max(...outcomes.map((o) => o.result as number));
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(10);
  });
});

import { LOG_CAP_BYTES, LOG_TRUNCATED_MARKER, LogBuffer, truncateUtf8 } from '../../runtime/invocation/log-capture';
import { noRedaction } from '../../runtime/settings/redact';
import { TmpFunctions } from './support/tmp-function';
import { track } from './support/events';

const tmp = new TmpFunctions();
afterAll(() => tmp.cleanup());

const bytes = (lines: string[]) => lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);

test('console.log/info/warn/error/debug are captured per event, formatted like Node', async () => {
  const instance = tmp.instance({
    'index.js': `async function onTrack(event) {
      console.log('order %s total %d', event.properties.orderId, event.properties.total);
      console.info({ a: 1, nested: { b: [1, 2] } });
      console.warn('warn', 42, true, null, undefined);
      console.error(new TypeError('bad thing').message);
      console.debug('debug %j', { x: 1 });
      return 'ok';
    }`,
  });
  const outcome = await instance.invoke(track({ properties: { orderId: 'A-1', total: 82.5 } }));
  expect(outcome.logs).toEqual([
    'order A-1 total 82.5',
    '{ a: 1, nested: { b: [ 1, 2 ] } }',
    'warn 42 true null undefined',
    'bad thing',
    'debug {"x":1}',
  ]);
});

test('concurrent events keep their own logs, across awaits and timers', async () => {
  const instance = tmp.instance({
    'index.js': `async function onTrack(event) {
      console.log('start', event.messageId);
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      console.log('after timer', event.messageId);
      await Promise.resolve();
      console.log('end', event.messageId);
    }`,
  });
  const events = Array.from({ length: 20 }, () => track());
  const outcomes = await Promise.all(events.map((e) => instance.invoke(e)));
  outcomes.forEach((o, i) => {
    const id = events[i].messageId;
    expect(o.messageId).toBe(id);
    expect(o.logs).toEqual([`start ${id}`, `after timer ${id}`, `end ${id}`]);
  });
});

test('capped at 4 KB per event with a marker line', async () => {
  const instance = tmp.instance({
    'index.js': `async function onTrack() { for (let i = 0; i < 500; i++) console.log('line ' + i + ' ' + 'é'.repeat(20)); return 'done'; }`,
  });
  const outcome = await instance.invoke(track());
  expect(outcome.result).toBe('done');
  expect(outcome.logs.at(-1)).toBe(LOG_TRUNCATED_MARKER);
  expect(bytes(outcome.logs.slice(0, -1))).toBeLessThanOrEqual(LOG_CAP_BYTES);
  expect(bytes(outcome.logs.slice(0, -1))).toBeGreaterThan(LOG_CAP_BYTES - 50);
  expect(outcome.logs[0]).toBe(`line 0 ${'é'.repeat(20)}`);
  // the next event starts with an empty buffer again
  const next = await tmp.instance({ 'index.js': 'async function onTrack() { console.log("small"); }' }).invoke(track());
  expect(next.logs).toEqual(['small']);
});

test('one huge line is cut at a character boundary', () => {
  const buffer = new LogBuffer(noRedaction, 10);
  buffer.append('ab');
  buffer.append('ééééééé');
  buffer.append('not captured');
  expect(buffer.close()).toEqual(['ab', 'ééé', LOG_TRUNCATED_MARKER]);
  expect(truncateUtf8('aé', 2)).toBe('a');
});

test('output of work that outlives its event is dropped; top-level output goes to the load log', async () => {
  const instance = tmp.instance({
    'function.json': { timeoutSeconds: 0.05 },
    'index.js': `console.log('top level'); async function onTrack(event) {
      if (event.event === 'slow') { await new Promise((r) => setTimeout(r, 100)); console.log('too late'); }
      console.log('in time');
    }`,
  });
  const slow = await instance.invoke(track({ event: 'slow' }));
  expect(slow.logs).toEqual([]);
  await new Promise((r) => setTimeout(r, 120));
  expect(slow.logs).toEqual([]);
  expect((await instance.invoke(track())).logs).toEqual(['in time']);
  expect(instance.loadLogs).toEqual(['top level']);
});

/**
 * `invokeJson` (the worker's path: a queued event's JSON parsed once, straight into the function's realm) against
 * `invoke(JSON.parse(json))` (the path it replaces) on the same inputs: the same outcome, or the same throw.
 */
import { sampleEvent } from '../../runtime/events/samples';
import type { Outcome } from '../../runtime/delivery';
import type { FunctionInstance } from '../../runtime/function/instance';
import { TmpFunctions } from './support/tmp-function';

const tmp = new TmpFunctions();
afterAll(() => tmp.cleanup());

const CODE = `
async function onTrack(event) {
  const how = event.properties && event.properties.how;
  if (how === 'mutate') { event.messageId = 'changed'; event.type = 'identify'; return Object.keys(event).sort(); }
  if (how === 'throw') throw new InvalidEventPayload('no ' + event.event);
  if (how === 'retry') throw new RetryError('later');
  if (how === 'log') console.log('seen', event.userId);
  if (how === 'realm') return [event instanceof Object, Object.getPrototypeOf(event) === Object.prototype, Array.isArray(event.list)];
  return event;
}
async function onIdentify(event) { return event.traits; }
`;

const withoutDuration = (o: Outcome) => ({ ...o, durationMs: 0 });

async function both(fn: FunctionInstance, json: string): Promise<[unknown, unknown]> {
  const settle = (p: () => Promise<Outcome>) => Promise.resolve().then(p).then(withoutDuration, (err: Error) => ({ threw: err.constructor.name, message: err.message }));
  return [await settle(() => fn.invoke(JSON.parse(json))), await settle(() => fn.invokeJson(json))];
}

const track = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...sampleEvent('track'), messageId: 'm-1', properties, ...extra });

const INPUTS: Array<[string, string]> = [
  ['a plain event', track({ total: 3 })],
  ['drop paths applied', track({ total: 3 }, { context: { ip: '203.0.113.7', page: { url: 'u', path: '/p' } } })],
  ['the handler mutates its copy', track({ how: 'mutate' })],
  ['InvalidEventPayload', track({ how: 'throw' })],
  ['RetryError', track({ how: 'retry' })],
  ['a log line', track({ how: 'log' })],
  ['objects of the function\'s realm', track({ how: 'realm' }, { list: [1, 2] })],
  ['another type', JSON.stringify({ ...sampleEvent('identify'), messageId: 'm-2' })],
  ['a type without handler', JSON.stringify({ ...sampleEvent('page'), messageId: 'm-3' })],
  ['no messageId', JSON.stringify({ type: 'track', event: 'E', userId: 'u' })],
  ['a numeric messageId', JSON.stringify({ type: 'track', event: 'E', messageId: 7 })],
  ['a __proto__ key', '{"type":"track","event":"E","messageId":"m-4","properties":{"__proto__":{"polluted":true}}}'],
  ['null', 'null'],
  ['a string', '"track"'],
  ['an array', '[1,2]'],
  ['invalid JSON', '{"type":"track",'],
  ['empty text', ''],
];

test.each(INPUTS)('%s: the same outcome (or throw) both ways', async (_name, json) => {
  const fn = tmp.instance({ 'index.js': CODE, 'function.json': { drop: ['context.ip', 'context.page.url'] } });
  const [viaObject, viaJson] = await both(fn, json);
  expect(viaJson).toEqual(viaObject);
});

test('the two paths are not trivially equal: outcomes differ by input, and invalid JSON throws a SyntaxError', async () => {
  const fn = tmp.instance({ 'index.js': CODE });
  const dropped = (await fn.invokeJson(track({ total: 3 }, { context: { ip: 'x' } }))).result as { context: Record<string, unknown> };
  expect(dropped.context).toEqual({ ip: 'x' });
  expect((await fn.invokeJson(track({ how: 'mutate' }))).messageId).toBe('m-1');
  expect((await fn.invokeJson(track({ how: 'throw' })))).toMatchObject({ status: 'discarded', reason: 'invalid-event' });
  expect((await fn.invokeJson(track({ how: 'realm' }, { list: [] }))).result).toEqual([true, true, true]);
  expect(() => fn.invokeJson('{')).toThrow(SyntaxError);
});

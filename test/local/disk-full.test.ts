/**
 * A full disk pauses delivery instead of redelivering in a loop: while outcomes cannot be recorded
 * (every write fails with SQLITE_FULL, injected into the engine's own record store and queue), the
 * engine leases nothing new and keeps the outcomes it holds; ingest answers 503. When space returns,
 * both resume by themselves and no event is delivered more than once more.
 */
import Database from 'better-sqlite3';
import { postJson, track, waitFor, webhookEngine } from './helpers/engine';

const fx = webhookEngine('hook');

function diskFull(): never {
  throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
}

test('disk full: delivery pauses (no storm), ingest 503s, both resume when space returns', async () => {
  const { records, queue } = fx.engine;
  const put = records.put.bind(records);
  const insertMessages = queue.insertMessages.bind(queue);
  let full = true;
  records.put = (...args) => (full ? diskFull() : put(...args));

  const ids = Array.from({ length: 33 }, (_, i) => `full-${i}`);
  expect((await postJson(`${fx.engine.url}/v1/batch`, { batch: ids.map((id) => track(id)) }, fx.engine.writeKey)).status).toBe(200);
  queue.insertMessages = (...args) => (full ? diskFull() : insertMessages(...args));
  expect((await postJson(`${fx.engine.url}/v1/track`, track('during'), fx.engine.writeKey)).status).toBe(503);

  await waitFor('the first deliveries', () => fx.sink.requests.length > 0);
  await new Promise((r) => setTimeout(r, 3000));
  const duringOutage = fx.sink.requests.length;
  if (process.env.DESTFN_TEST_STATS) console.log({ events: ids.length, postsDuringOutage: duringOutage, perEvent: duringOutage / ids.length });
  expect(duringOutage).toBeLessThanOrEqual(ids.length);
  expect(Math.max(...ids.map((id) => fx.sink.count(id)))).toBe(1);

  full = false;
  expect((await postJson(`${fx.engine.url}/v1/track`, track('after'), fx.engine.writeKey)).status).toBe(200);
  await waitFor('every event recorded as delivered', () =>
    [...ids, 'after'].every((id) => fx.engine.records.deliveries('hook', { limit: 100 }).some((d) => d.messageId === id && d.status === 'delivered')), 20_000);
  for (const id of ids) expect(fx.sink.count(id)).toBeLessThanOrEqual(2);
  expect(fx.sink.count('after')).toBe(1);
}, 40_000);

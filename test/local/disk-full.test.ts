/**
 * A full disk pauses delivery instead of redelivering in a loop: while outcomes cannot be recorded
 * (every write fails with SQLITE_FULL, injected into the engine's own record store and queue), the
 * engine leases nothing new and keeps the outcomes it holds; ingest answers 503. When space returns,
 * both resume by themselves and no event is delivered more than once more.
 */
import Database from 'better-sqlite3';
import type { Engine } from '../../runtime/local/engine';
import { copyWebhook, tempProject, type TempProject } from './helpers/functions';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { startSink, type Sink } from './helpers/sink';

let project: TempProject;
let sink: Sink;
let engine: Engine;

beforeAll(async () => {
  project = tempProject();
  sink = await startSink();
  copyWebhook(project.functionsDir, 'hook', `${sink.url}/hook`);
  engine = await testEngine(project);
});
afterAll(async () => {
  await engine.stop();
  await sink.close();
  project.cleanup();
});

function diskFull(): never {
  throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
}

test('disk full: delivery pauses (no storm), ingest 503s, both resume when space returns', async () => {
  const { records, queue } = engine;
  const put = records.put.bind(records);
  const insertMessages = queue.insertMessages.bind(queue);
  let full = true;
  records.put = (...args) => (full ? diskFull() : put(...args));

  const ids = Array.from({ length: 33 }, (_, i) => `full-${i}`);
  expect((await postJson(`${engine.url}/v1/batch`, { batch: ids.map((id) => track(id)) }, engine.writeKey)).status).toBe(200);
  queue.insertMessages = (...args) => (full ? diskFull() : insertMessages(...args));
  expect((await postJson(`${engine.url}/v1/track`, track('during'), engine.writeKey)).status).toBe(503);

  await waitFor('the first deliveries', () => sink.requests.length > 0);
  await new Promise((r) => setTimeout(r, 3000));
  const duringOutage = sink.requests.length;
  if (process.env.DESTFN_TEST_STATS) console.log({ events: ids.length, postsDuringOutage: duringOutage, perEvent: duringOutage / ids.length });
  expect(duringOutage).toBeLessThanOrEqual(ids.length);
  expect(Math.max(...ids.map((id) => sink.count(id)))).toBe(1);

  full = false;
  expect((await postJson(`${engine.url}/v1/track`, track('after'), engine.writeKey)).status).toBe(200);
  await waitFor('every event recorded as delivered', () =>
    [...ids, 'after'].every((id) => engine.records.deliveries('hook', { limit: 100 }).some((d) => d.messageId === id && d.status === 'delivered')), 20_000);
  for (const id of ids) expect(sink.count(id)).toBeLessThanOrEqual(2);
  expect(sink.count('after')).toBe(1);
}, 40_000);

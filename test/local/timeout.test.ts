/** A function stuck in `while(true){}` (or throwing from a timer) cannot stop the engine or other functions. */
import type { Engine } from '../../runtime/local/engine';
import { tempProject, writeFunction, POST_TO_URL, URL_SETTING, type TempProject } from './helpers/functions';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { startSink, type Sink } from './helpers/sink';

let project: TempProject;
let sink: Sink;
let engine: Engine;
const notices: string[] = [];

beforeAll(async () => {
  project = tempProject();
  sink = await startSink();
  writeFunction(project.functionsDir, 'looper', {
    code: `async function onTrack(event) {
      if (event.properties && event.properties.loop) { while (true) {} }
      return 'fine';
    }`,
    config: { timeoutSeconds: 1, maxConcurrency: 1, retry: { attempts: 2, windowHours: 1 } },
  });
  writeFunction(project.functionsDir, 'crasher', {
    code: `export async function onTrack(event) {
      if (event.properties && event.properties.crash) {
        setTimeout(() => { throw new Error('boom from a timer') }, 0);
        queueMicrotask(() => { throw new Error('boom from a microtask') });
      }
      await new Promise((r) => setTimeout(r, 50));
      return 'survived';
    }`,
    config: { retry: { attempts: 2, windowHours: 1 } },
  });
  writeFunction(project.functionsDir, 'steady', { code: POST_TO_URL, config: { settings: URL_SETTING }, settings: { url: `${sink.url}/steady` } });
  engine = await testEngine(project, { retryScale: 0.0001 });
  engine.events.on('notice', (text: string) => notices.push(text));
});
afterAll(async () => {
  await engine.stop();
  await sink.close();
  project.cleanup();
});

test('while(true){} times out, its worker is replaced, the event is retried then dead-lettered; other functions keep delivering', async () => {
  const started = Date.now();
  expect((await postJson(`${engine.url}/v1/track`, track('t-loop', { properties: { loop: true } }), engine.writeKey)).status).toBe(200);

  // While looper's worker spins, steady delivers a stream of events.
  for (let i = 0; i < 10; i++) {
    expect((await postJson(`${engine.url}/v1/track`, track(`t-steady-${i}`), engine.writeKey)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitFor('steady delivered everything', () => Array.from({ length: 10 }, (_, i) => sink.count(`t-steady-${i}`) === 1).every(Boolean), 5000);
  expect(engine.records.get('looper', 't-loop')?.status).not.toBe('delivered');

  await waitFor('looper gave up', () => engine.records.get('looper', 't-loop')?.status === 'failed', 15_000)
    .catch((err: Error) => { throw new Error(`${err.message}\nrecord: ${JSON.stringify(engine.records.get('looper', 't-loop'))}\nnotices: ${notices.join('\n')}`); });
  expect(engine.records.get('looper', 't-loop')).toMatchObject({
    status: 'failed',
    attempts: 2,
    lastError: { name: 'TimeoutError', message: expect.stringContaining('1s timeout') },
  });
  expect(engine.queue.dlq('looper')).toHaveLength(1);
  // The events queued behind the stuck one in looper's worker were not blamed: first attempt, delivered.
  await waitFor('looper delivered the queued ones', () => Array.from({ length: 10 }, (_, i) => engine.records.get('looper', `t-steady-${i}`)?.status === 'delivered').every(Boolean), 10_000);
  for (let i = 0; i < 10; i++) expect(engine.records.get('looper', `t-steady-${i}`)).toMatchObject({ attempts: 1 });
  expect(notices.filter((n) => n.includes('looper: worker stuck'))).toHaveLength(2);
  expect(Date.now() - started).toBeGreaterThan(2000); // two attempts of at least the 1 s timeout

  // The replaced worker serves the next event.
  expect((await postJson(`${engine.url}/v1/track`, track('t-after'), engine.writeKey)).status).toBe(200);
  await waitFor('looper delivers a normal event', () => engine.records.get('looper', 't-after')?.status === 'delivered');
}, 30_000);

test("a throw in a timer or microtask is contained (logged): the worker survives, the event is delivered", async () => {
  expect((await postJson(`${engine.url}/v1/track`, track('t-crash', { properties: { crash: true } }), engine.writeKey)).status).toBe(200);
  await waitFor('crasher settled', () => ['failed', 'delivered'].includes(engine.records.get('crasher', 't-crash')?.status ?? ''), 10_000);
  expect(engine.records.get('crasher', 't-crash')).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
  const logs = engine.records.lastLogs('crasher', 10).filter((l) => l.messageId === 't-crash').flatMap((l) => l.lines).join('\n');
  expect(logs).toContain('Uncaught error in a timer: Error: boom from a timer');
  expect(logs).toContain('Uncaught error in a microtask: Error: boom from a microtask');

  expect((await postJson(`${engine.url}/v1/track`, track('t-fine'), engine.writeKey)).status).toBe(200);
  await waitFor('crasher delivers on a fresh worker', () => engine.records.get('crasher', 't-fine')?.status === 'delivered');
  expect((await fetch(`${engine.url}/health`)).status).toBe(200);
});

/**
 * A throw in a function's timer after its handler returned stays with that function instance: it is
 * contained (logged in the event's log while the event still runs, dropped with any output that outlives
 * its event otherwise), and the other events running in the same worker are delivered at their first attempt
 * (uncaught, it killed the worker and turned them into retries).
 */
import type { Engine } from '../../runtime/local/engine';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';
import { postJson, testEngine, track, waitFor } from './helpers/engine';

let project: TempProject;
let engine: Engine;

beforeAll(async () => {
  project = tempProject();
  writeFunction(project.functionsDir, 'late', {
    code: `
      async function onTrack(event) {
        if (event.event === 'boom') {
          setTimeout(() => { throw new Error('thrown by a timer after the handler returned'); }, 50);
          setTimeout(async () => { throw new Error('rejected by an async timer'); }, 60);
          setImmediate(() => { throw new Error('thrown by an immediate'); });
          return 'boom';
        }
        if (event.event === 'during') {
          setTimeout(() => { throw new Error('thrown by a timer while the handler runs'); }, 10);
          await new Promise((resolve) => setTimeout(resolve, 100));
          return 'during';
        }
        await new Promise((resolve) => setTimeout(resolve, 400));
        return 'slow';
      }`,
    config: { maxConcurrency: 10 },
  });
  engine = await testEngine(project, { maxWorkersPerFunction: 1 });
});
afterAll(async () => {
  await engine.stop();
  project.cleanup();
});

test('a timer throw after the handler returned does not fail the other in-flight events', async () => {
  const slow = Array.from({ length: 5 }, (_, i) => track(`slow-${i}`, { event: 'slow' }));
  expect((await postJson(`${engine.url}/v1/batch`, { batch: [...slow, track('boom-1', { event: 'boom' })] }, engine.writeKey)).status).toBe(200);
  await waitFor('all six settled', () => engine.records.deliveries('late', { limit: 100 }).filter((d) => d.status !== 'retrying').length === 6, 15_000);
  const records = engine.records.deliveries('late', { limit: 100 });
  for (const r of records) expect({ id: r.messageId, status: r.status, attempts: r.attempts, error: r.lastError }).toEqual({ id: r.messageId, status: 'delivered', attempts: 1, error: null });
});

test("a timer throw while the handler runs is in the event's log; the event is delivered", async () => {
  expect((await postJson(`${engine.url}/v1/track`, track('during-1', { event: 'during' }), engine.writeKey)).status).toBe(200);
  await waitFor('delivered', () => engine.records.deliveries('late', { limit: 100 }).some((d) => d.messageId === 'during-1' && d.status === 'delivered'));
  const logs = engine.records.lastLogs('late', 100).filter((l) => l.messageId === 'during-1').flatMap((l) => l.lines);
  expect(logs.join('\n')).toMatch(/Uncaught error in a timer: Error: thrown by a timer while the handler runs/);
});

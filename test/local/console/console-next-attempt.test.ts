/** The delivery detail of an event waiting for its retry says when it is next attempted (the queue's visible_at). */
import type { Engine } from '../../../runtime/local/engine';
import { postJson, testEngine, track, waitFor } from '../helpers/engine';
import { tempProject, writeFunction, type TempProject } from '../helpers/functions';
import { api } from './console-fixture';

let project: TempProject;
let engine: Engine;

beforeAll(async () => {
  project = tempProject('destfn-console-');
  writeFunction(project.functionsDir, 'down', {
    code: "async function onTrack() { throw new RetryError('destination down'); }",
    config: { retry: { attempts: 5, windowHours: 4 } },
  });
  engine = await testEngine(project, { retryScale: 1 }); // the real schedule: the next attempt is minutes away
});
afterAll(async () => {
  await engine?.stop();
  project?.cleanup();
});

test('a retrying event: where "queued" and its next attempt time (done and DLQ ones have none: console-api.test.ts)', async () => {
  expect((await postJson(`${engine.url}/v1/track`, track('n-1'), engine.writeKey)).status).toBe(200);
  await waitFor('the first attempt failed', () => engine.records.get('down', 'n-1')?.status === 'retrying');
  const before = Date.now();
  const { status, json } = await api(engine, '/api/deliveries/down/n-1');
  expect(status).toBe(200);
  expect(json).toMatchObject({ where: 'queued', nextAttemptAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
  const next = Date.parse((json as { nextAttemptAt: string }).nextAttemptAt);
  expect(next).toBeGreaterThan(before + 1000);
  expect(next).toBeLessThan(before + 4 * 3600_000);
});

/**
 * kill -9 mid-stream: the engine (a child process) takes a stream of events and is SIGKILLed; a
 * restart on the same data dir delivers every event that got a 200, with duplicates at most the
 * events in flight at the kill. Leases live in the engine's memory, so "in flight" is bounded
 * from outside by what the function's pool can hold at once.
 */
import type { DevProcess } from './helpers/child';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDb } from '../../runtime/local/db';
import { defaultMaxWorkers } from '../../runtime/local/engine';
import { poolCapacity } from '../../runtime/local/worker-pool';
import { copyWebhook, tempProject, type TempProject } from './helpers/functions';
import { postJson, waitFor } from './helpers/engine';
import { startDev } from './helpers/child';
import { startSink, type Sink } from './helpers/sink';

let project: TempProject;
let sink: Sink;
const children: DevProcess[] = [];

beforeAll(async () => {
  project = tempProject();
  sink = await startSink();
  copyWebhook(project.functionsDir, 'webhook', `${sink.url}/hook`);
});
afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  await sink.close();
  project.cleanup();
});

test('SIGKILL mid-stream loses no acknowledged event; duplicates ≤ in flight at the kill', async () => {
  const args = ['--dir', project.functionsDir, '--data', project.dataDir, '--quiet'];
  const first = await startDev(args);
  children.push(first);

  const acknowledged = new Set<string>();
  let killed = false;
  let batchNo = 0;
  const stream = async (lane: number) => {
    while (!killed) {
      const ids = Array.from({ length: 20 }, (_, i) => `k-${lane}-${batchNo}-${i}`);
      batchNo++;
      const batch = ids.map((messageId) => ({ type: 'track', messageId, userId: 'u', event: 'Streamed' }));
      try {
        const res = await postJson(`${first.url}/v1/batch`, { batch }, first.writeKey);
        if (res.status === 200) ids.forEach((id) => acknowledged.add(id));
      } catch { /* the engine is gone */ }
      await new Promise((r) => setTimeout(r, 40)); // a steady stream, not a flood the restart must wade through
    }
  };
  const lanes = [0, 1].map(stream);
  await waitFor('deliveries under way', () => sink.requests.length >= 100, 20_000);
  first.proc.kill('SIGKILL');
  killed = true;
  expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
  await Promise.all(lanes);

  const db = openDb(project.dataDir);
  const waiting = (db.prepare('SELECT COUNT(*) FROM messages').pluck().get() as number);
  db.close();
  expect(acknowledged.size).toBeGreaterThan(100);
  expect(waiting).toBeGreaterThan(0); // the kill really was mid-stream

  const second = await startDev(args);
  children.push(second);
  await waitFor('every acknowledged event delivered', () => [...acknowledged].every((id) => sink.count(id) >= 1), 30_000);
  const duplicates = [...acknowledged].reduce((n, id) => n + sink.count(id) - 1, 0);
  const config = JSON.parse(readFileSync(join(project.functionsDir, 'webhook', 'function.json'), 'utf8')) as { maxConcurrency?: number };
  const inFlightAtKill = poolCapacity(config.maxConcurrency ?? 200, defaultMaxWorkers());
  if (process.env.DESTFN_TEST_STATS) console.log({ acknowledged: acknowledged.size, waiting, inFlightAtKill, duplicates });
  expect(duplicates).toBeLessThanOrEqual(inFlightAtKill);

  second.proc.kill('SIGTERM');
  expect(await second.exited).toEqual({ code: 0, signal: null });
}, 90_000);

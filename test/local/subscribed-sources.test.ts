/**
 * A function's `sources` must name sources the project declares: a typo would leave it with no events at all. The
 * engine refuses to start on one, and a save that introduces one does not load (the previous version keeps running).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../runtime/local/engine';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';

const DELIVER = 'async function onTrack(event) { return event.messageId; }';
let project: TempProject;
let engine: Engine | undefined;

beforeEach(() => {
  project = tempProject();
  writeFileSync(join(project.root, 'destfn.config.json'), JSON.stringify({ sources: { web: {}, hooks: {} } }));
});
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
  project.cleanup();
});

test('a function naming a source the project does not declare stops the start, before the data dir is made', async () => {
  writeFunction(project.functionsDir, 'orders', { code: DELIVER, config: { sources: ['web', 'wbe'] } });
  await expect(testEngine(project)).rejects.toThrow(
    'function "orders": "sources" names "wbe", not a source of this project (its sources: web, hooks; declare sources in destfn.config.json, which the local engine reads when it starts)',
  );
  expect(existsSync(project.dataDir)).toBe(false);
});

test('a save naming an undeclared source does not load: the previous version keeps its sources and delivers', async () => {
  writeFunction(project.functionsDir, 'orders', { code: DELIVER, config: { sources: ['web'] } });
  engine = await testEngine(project);
  const notices: string[] = [];
  engine.events.on('notice', (text: string) => notices.push(text));

  writeFileSync(join(project.functionsDir, 'orders', 'function.json'), JSON.stringify({ sources: ['hook'] }));
  await waitFor('the reload to fail', () => notices.some((n) => n.includes('orders: reload failed, keeping the previous version')), 5000);
  expect(notices.join('\n')).toContain('"sources" names "hook", not a source of this project (its sources: web, hooks;');

  const web = engine.sources.find((s) => s.name === 'web')!;
  expect((await postJson(`${engine.url}/v1/track`, track('from-web'), web.writeKey)).status).toBe(200);
  await waitFor('the previous version delivers', () => engine!.records.get('orders', 'from-web')?.status === 'delivered');
});

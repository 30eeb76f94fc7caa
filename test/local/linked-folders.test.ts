/**
 * Symlinks in a project: a function folder linked into functions/ from elsewhere, and the whole project reached
 * through a linked directory. Both load, deliver and hot-reload (a link to a folder used to be skipped as not a
 * folder, and a worker started on a path through a link was refused by the permission model and never loaded).
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../runtime/local/engine';
import { tempProject, writeFunction, POST_TO_URL, URL_SETTING, type TempProject } from './helpers/functions';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { startSink, type Sink } from './helpers/sink';

let project: TempProject;
let sink: Sink;
let engine: Engine;
let sharedDir: string;
let linkedRoot: string;
const notices: string[] = [];

beforeAll(async () => {
  project = tempProject('destfn-linked-');
  sink = await startSink();
  writeFunction(project.functionsDir, 'own', { code: POST_TO_URL, config: { settings: URL_SETTING }, settings: { url: `${sink.url}/own` } });
  // A function folder kept outside the project and linked in; and a link to a file, which is not a folder.
  const elsewhere = join(project.root, 'elsewhere');
  mkdirSync(elsewhere);
  sharedDir = writeFunction(elsewhere, 'shared', { code: POST_TO_URL, config: { settings: URL_SETTING }, settings: { url: `${sink.url}/shared` } });
  symlinkSync(sharedDir, join(project.functionsDir, 'shared'));
  writeFileSync(join(elsewhere, 'notes.txt'), 'not a function');
  symlinkSync(join(elsewhere, 'notes.txt'), join(project.functionsDir, 'notes'));
  // The engine is given the project through a linked directory.
  linkedRoot = `${project.root}-link`;
  symlinkSync(project.root, linkedRoot);
  engine = await testEngine({ ...project, root: linkedRoot, functionsDir: join(linkedRoot, 'functions'), dataDir: join(linkedRoot, '.destfn') });
  engine.events.on('notice', (text: string) => notices.push(text));
});
afterAll(async () => {
  await engine?.stop();
  await sink?.close();
  rmSync(linkedRoot, { force: true });
  project.cleanup();
});

const delivered = (fn: string, id: string) => waitFor(`${fn} delivers ${id}`, () => engine.records.get(fn, id)?.status === 'delivered');

test('a linked function folder and a project reached through a link load and deliver', async () => {
  expect(await (await fetch(`${engine.url}/health`)).json()).toMatchObject({ functions: ['own', 'shared'] });
  expect((await postJson(`${engine.url}/v1/track`, track('l-1'), engine.writeKey)).status).toBe(200);
  await delivered('own', 'l-1');
  await delivered('shared', 'l-1');
  expect(sink.requests.map((r) => r.path).sort()).toEqual(['/own', '/shared']);
  expect(notices.filter((n) => /failed to load/.test(n))).toEqual([]);
});

test('saving in the linked folder reloads it', async () => {
  writeFileSync(join(sharedDir, 'index.js'), POST_TO_URL.replace('return res.status;', "return 'v2 ' + res.status;"));
  await waitFor('shared reloaded', () => notices.some((n) => n.includes('shared: reloaded')), 10_000);
  expect((await postJson(`${engine.url}/v1/track`, track('l-2'), engine.writeKey)).status).toBe(200);
  await delivered('shared', 'l-2');
  expect(engine.records.get('shared', 'l-2')?.result).toBe('"v2 200"');
});

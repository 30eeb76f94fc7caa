/**
 * A function's worker process may read its folder but not its settings.local.json (issue 11.1 with instances:
 * that file holds every instance's secrets, and each instance's worker gets only its own settings over IPC).
 * The same through symlinks: a project under a linked directory, a file linked in from elsewhere, and a link to
 * settings.local.json under another name.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchWorker } from '../../runtime/local/worker-launch';

const PROBE = `
const fs = require('node:fs');
const read = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch (err) { return 'denied: ' + (err.code || err.message); } };
const loaded = (() => { try { return require('./lib.js').answer; } catch (err) { return 'denied: ' + (err.code || err.message); } })();
process.send({
  index: read('index.js'), local: read('settings.local.json'), committed: read('settings.json'),
  shared: read('shared.json'), alias: read('alias.json'), loaded,
}, () => process.exit(0));
`;

let root: string;
let fnDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'destfn-worker-read-'));
  fnDir = join(root, 'real', 'fn');
  mkdirSync(fnDir, { recursive: true });
  mkdirSync(join(root, 'elsewhere'));
  writeFileSync(join(fnDir, 'probe.cjs'), PROBE);
  writeFileSync(join(fnDir, 'index.js'), 'async function onTrack() {}');
  writeFileSync(join(fnDir, 'settings.json'), '{"region":"eu"}');
  writeFileSync(join(fnDir, 'settings.local.json'), '{"eu":{"apiKey":"sk-eu-secret"},"us":{"apiKey":"sk-us-secret"}}');
  writeFileSync(join(root, 'elsewhere', 'shared.json'), '{"shared":true}');
  writeFileSync(join(root, 'elsewhere', 'lib.js'), 'exports.answer = 42;');
  symlinkSync(join(root, 'elsewhere', 'shared.json'), join(fnDir, 'shared.json'));
  symlinkSync(join(root, 'elsewhere', 'lib.js'), join(fnDir, 'lib.js'));
  symlinkSync(join(fnDir, 'settings.local.json'), join(fnDir, 'alias.json'));
  symlinkSync(join(root, 'real'), join(root, 'linked'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function probe(dir: string): Promise<Record<string, unknown>> {
  const worker = launchWorker({ entry: join(dir, 'probe.cjs'), functionDir: dir, memoryLimitMb: 64 });
  const stderr: Buffer[] = [];
  worker.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.once('message', (message) => resolve(message as Record<string, unknown>));
    worker.once('exit', (code) => reject(new Error(`probe exited (${code}) without answering: ${Buffer.concat(stderr).toString()}`)));
  });
}

const expected = {
  index: 'async function onTrack() {}',
  committed: '{"region":"eu"}',
  local: 'denied: ERR_ACCESS_DENIED',
  shared: '{"shared":true}',
  alias: 'denied: ERR_ACCESS_DENIED',
  loaded: 42,
};

test('the worker reads its folder\'s files, linked ones included, but is refused settings.local.json under any name', async () => {
  expect(await probe(fnDir)).toEqual(expected);
}, 20_000);

test('the same when its folder and entry are reached through a linked directory', async () => {
  expect(await probe(join(root, 'linked', 'fn'))).toEqual(expected);
}, 20_000);

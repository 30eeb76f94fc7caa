/**
 * A function's worker process may read its folder but not its settings.local.json (issue 11.1 with instances:
 * that file holds every instance's secrets, and each instance's worker gets only its own settings over IPC).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchWorker } from '../../runtime/local/worker-launch';

const PROBE = `
const fs = require('node:fs');
const read = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch (err) { return 'denied: ' + (err.code || err.message); } };
process.send({ index: read('index.js'), local: read('settings.local.json'), committed: read('settings.json') }, () => process.exit(0));
`;

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'destfn-worker-read-'));
  writeFileSync(join(root, 'probe.cjs'), PROBE);
  writeFileSync(join(root, 'index.js'), 'async function onTrack() {}');
  writeFileSync(join(root, 'settings.json'), '{"region":"eu"}');
  writeFileSync(join(root, 'settings.local.json'), '{"eu":{"apiKey":"sk-eu-secret"},"us":{"apiKey":"sk-us-secret"}}');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the worker reads its folder\'s files but is refused settings.local.json', async () => {
  const worker = launchWorker({ entry: join(root, 'probe.cjs'), functionDir: root, memoryLimitMb: 64 });
  const answer = await new Promise<Record<string, string>>((resolve, reject) => {
    worker.once('message', (message) => resolve(message as Record<string, string>));
    worker.once('exit', (code) => reject(new Error(`probe exited (${code}) without answering`)));
  });
  expect(answer.index).toBe('async function onTrack() {}');
  expect(answer.committed).toBe('{"region":"eu"}');
  expect(answer.local).toBe('denied: ERR_ACCESS_DENIED');
}, 20_000);

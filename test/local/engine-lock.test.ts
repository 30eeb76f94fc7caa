/**
 * The data dir's engine lock is one the OS releases when its holder dies: a stale or reused PID in
 * engine.pid does not refuse a start, and after SIGKILL the next engine starts at once.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireEngineLock, runningEnginePid } from '../../runtime/local/lock';
import { startDev, type DevProcess } from './helpers/child';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';

let project: TempProject;
const children: DevProcess[] = [];

beforeEach(() => { project = tempProject(); });
afterEach(() => {
  for (const c of children.splice(0)) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  project.cleanup();
});

test('a live but unrelated PID left in engine.pid (dead engine, PID reused) does not refuse the start', () => {
  mkdirSync(project.dataDir, { recursive: true });
  writeFileSync(join(project.dataDir, 'engine.pid'), String(process.ppid)); // alive, and not an engine
  const release = acquireEngineLock(project.dataDir);
  expect(runningEnginePid(project.dataDir)).toBe(process.pid);
  release();
  expect(runningEnginePid(project.dataDir)).toBeNull();
});

test('a second lock on the same data dir is refused while the first is held, granted once released', () => {
  const release = acquireEngineLock(project.dataDir);
  expect(() => acquireEngineLock(project.dataDir)).toThrow(/another destfn engine \(pid \d+\) is using/);
  release();
  acquireEngineLock(project.dataDir)();
});

test('a lock held by another process is refused; the OS releases it when that process is SIGKILLed', async () => {
  mkdirSync(project.dataDir, { recursive: true });
  const holder = spawn(process.execPath, ['-e', `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(join(project.dataDir, 'engine.lock'))});
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('held\\n');
    setInterval(() => {}, 1000);
  `], { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => holder.once('exit', r));
  try {
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    expect(() => acquireEngineLock(project.dataDir)).toThrow(/another destfn engine/);
  } finally {
    holder.kill('SIGKILL');
    await exited;
  }
  acquireEngineLock(project.dataDir)();
});

test('destfn dev restarts at once after SIGKILL', async () => {
  writeFunction(project.functionsDir, 'noop', { code: 'async function onTrack() {}' });
  const args = ['--dir', project.functionsDir, '--data', project.dataDir, '--quiet'];
  const first = await startDev(args);
  children.push(first);
  first.proc.kill('SIGKILL');
  const killedAt = Date.now();
  const second = await startDev(args); // no wait for the exit (a supervisor may not have reaped it yet)
  const restartMs = Date.now() - killedAt;
  children.push(second);
  if (process.env.DESTFN_TEST_STATS) console.log({ restartMs });
  expect(second.output()).not.toMatch(/another destfn engine/);
  second.proc.kill('SIGTERM');
  expect(await second.exited).toEqual({ code: 0, signal: null });
}, 60_000);

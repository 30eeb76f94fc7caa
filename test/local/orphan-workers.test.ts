/**
 * A function stuck in a synchronous loop when the engine is SIGKILLed: its worker process never sees the IPC
 * channel close and spins on. The next engine on the data dir stops it (worker-pids.ts), and only processes
 * that still run the worker script they were listed with.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { psCommandLine, stopOrphanedWorkers, WorkerPids } from '../../runtime/local/worker-pids';
import type { DevProcess } from './helpers/child';
import { startDev } from './helpers/child';
import { postJson, waitFor } from './helpers/engine';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';

let project: TempProject;
const children: DevProcess[] = [];
const strays: number[] = [];
const projects: TempProject[] = [];

beforeAll(() => { project = tempProject('destfn-orphans-'); });
afterAll(() => {
  // A failed test may leave an engine running a spinning worker: the worker goes too, not only the engine.
  for (const c of children) {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) continue;
    strays.push(...nodeChildren(c.proc.pid!));
    c.proc.kill('SIGKILL');
  }
  for (const pid of strays) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  project.cleanup();
  for (const p of projects) p.cleanup();
});

const NODE_BINARY = realpathSync(process.execPath);
const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
/** Alive and not a zombie (killed, not reaped yet by whoever adopted it). */
const running = (pid: number): boolean => { try { return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); } catch { return false; } };
const cmdline = (pid: number): string => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } };
const cpuTicks = (pid: number): number => { try { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); } catch { return -1; } };
const nodeChildren = (pid: number): number[] => {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number))
      // Node processes (not esbuild's service) by their binary: Node 24 names its main thread, so /proc's comm says "MainThread".
      .filter((child) => readlinkSync(`/proc/${child}/exe`) === NODE_BINARY);
  } catch {
    return []; // gone meanwhile (or no /proc)
  }
};

/** A function that spins for ever on an event with properties.spin, and a quiet engine running it. */
async function startWithSpinner(p: TempProject, name: string, timeoutSeconds: number): Promise<DevProcess> {
  writeFunction(p.functionsDir, name, {
    code: 'async function onTrack(event) { if (event.properties.spin) for (;;) {} return "ok"; }',
    config: { timeoutSeconds },
  });
  const engine = await startDev(['--dir', p.functionsDir, '--data', p.dataDir, '--quiet']);
  children.push(engine);
  return engine;
}

const describeOnLinux = process.platform === 'linux' ? describe : describe.skip;

describeOnLinux('worker processes an engine left running', () => {
  test('a worker stuck in its code outlives a SIGKILLed engine; the next engine stops it and runs its event again', async () => {
    const first = await startWithSpinner(project, 'stuck', 2);
    const res = await postJson(`${first.url}/v1/track`, { type: 'track', messageId: 'spin-1', userId: 'u', event: 'Spin', properties: { spin: true } }, first.writeKey);
    expect(res.status).toBe(200);

    // The worker running the event: a node child of the engine whose CPU keeps climbing.
    let worker = 0;
    await waitFor('a spinning worker', () => {
      const busy = nodeChildren(first.proc.pid!).filter((pid) => cpuTicks(pid) > 50);
      worker = busy[0] ?? 0;
      return worker > 0;
    }, 15_000);
    strays.push(worker);
    first.proc.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await new Promise((r) => setTimeout(r, 300));
    expect(running(worker)).toBe(true); // orphaned, and still spinning
    const before = cpuTicks(worker);
    await new Promise((r) => setTimeout(r, 300));
    expect(cpuTicks(worker)).toBeGreaterThan(before);

    const second = await startDev(['--dir', project.functionsDir, '--data', project.dataDir]);
    children.push(second);
    await waitFor('the clean-up notice', () => second.output().includes(`stopped 1 function worker process(es) an earlier engine left running (pid ${worker})`), 10_000);
    await waitFor('the orphan stopped', () => !running(worker), 10_000);
    // Its event was accepted: the new engine runs it again (and it times out again: a retry, not a loss).
    await waitFor('spin-1 tried again', () => /spin-1 +retrying +attempt 1 .*TimeoutError/.test(second.output()), 20_000);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 60_000);

  test('a dev console Run stuck in its code outlives a SIGKILLed engine too; the next engine stops it', async () => {
    // A project of its own: the first test's event is still retrying (and spinning) in the shared one.
    const own = tempProject('destfn-orphan-run-');
    projects.push(own);
    const first = await startWithSpinner(own, 'stuck-run', 30);
    const token = /\?token=(\S+)/.exec(first.output())?.[1];
    expect(token).toBeDefined();
    // Not awaited: the engine is killed before the Run answers.
    const answer = fetch(`${first.url}/api/functions/stuck-run/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-destfn-token': token! },
      body: JSON.stringify({ event: { type: 'track', userId: 'u', event: 'Spin', properties: { spin: true } } }),
    }).catch(() => null);
    let run = 0;
    await waitFor('a spinning Run process', () => {
      run = nodeChildren(first.proc.pid!).find((pid) => cmdline(pid).includes('console-run-') && cpuTicks(pid) > 50) ?? 0;
      return run > 0;
    }, 15_000);
    strays.push(run);
    first.proc.kill('SIGKILL');
    await first.exited;
    await answer;
    await new Promise((r) => setTimeout(r, 300));
    expect(running(run)).toBe(true); // orphaned, and still spinning

    const second = await startDev(['--dir', own.functionsDir, '--data', own.dataDir]); // not --quiet: notices shown
    children.push(second);
    // The notice is printed once the process was killed: wait for it rather than race the output.
    await waitFor('the clean-up notice', () => second.output().includes(`stopped 1 function worker process(es) an earlier engine left running (pid ${run})`), 10_000);
    await waitFor('the orphaned Run stopped', () => !running(run), 10_000);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 60_000);

  test('without /proc (macOS, the BSDs) a pid\'s command line comes from ps; a pid that is gone has none', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'destfn-ps-marker'], { stdio: 'ignore' });
    strays.push(sleeper.pid!);
    await waitFor('the sleeper runs', () => psCommandLine(sleeper.pid!)?.includes('destfn-ps-marker') === true, 5000);
    const exited = new Promise((r) => sleeper.once('exit', r));
    sleeper.kill('SIGKILL');
    await exited;
    expect(psCommandLine(sleeper.pid!)).toBeNull();
  });

  test('stopOrphanedWorkers kills only a listed pid that still runs its listed script, then forgets the list', async () => {
    const dir = project.dataDir;
    const sleeper = (marker: string): ChildProcess => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore' });
    const listed = sleeper('destfn-orphan-marker-a');
    const other = sleeper('something-else');
    strays.push(listed.pid!, other.pid!);
    await new Promise((r) => setTimeout(r, 200));
    const pids = new WorkerPids(dir);
    pids.started(listed.pid!, 'destfn-orphan-marker-a');
    pids.started(other.pid!, 'destfn-orphan-marker-b'); // this pid now runs something else (a reused pid)
    pids.started(process.pid, 'jest'); // never this process
    const exited = new Promise((r) => listed.once('exit', (_code, signal) => r(signal)));

    expect(stopOrphanedWorkers(dir)).toEqual([listed.pid]);
    expect(await exited).toBe('SIGKILL');
    expect(alive(other.pid!)).toBe(true);
    expect(stopOrphanedWorkers(dir)).toEqual([]); // the list is gone
    other.kill('SIGKILL');
  });

  test('a worker that exits is taken off the list; a garbled list is ignored', () => {
    const dir = project.dataDir;
    const pids = new WorkerPids(dir);
    pids.started(4242, '/x/worker.js');
    pids.started(4343, '/x/worker.js');
    pids.exited(4242);
    expect(readFileSync(join(dir, 'workers.pid'), 'utf8')).toBe('4343 /x/worker.js\n');
    writeFileSync(join(dir, 'workers.pid'), 'garbage\n-5 x\n1 /sbin/init\n\n');
    expect(stopOrphanedWorkers(dir, () => '/sbin/init')).toEqual([]);
  });
});

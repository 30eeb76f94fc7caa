/** CPU time (user + system, ms) of another process, all its threads, from /proc (Linux). */
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}

/** Live child processes of a process (the engine's function workers). */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/**
 * A node process (a function worker), not the engine's esbuild service: it runs this node binary. (Its name in
 * /proc/<pid>/comm is no guide: Node 24 names its main thread "MainThread".)
 */
export function isNodeProcess(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/exe`) === NODE_BINARY;
  } catch {
    return false;
  }
}

const NODE_BINARY = realpathSync(process.execPath);

/**
 * CPU time of a process and of its live descendants (the engine's function worker processes), plus what
 * its children that already exited used (cutime, cstime).
 */
export function processTreeCpuMs(pid: number): number {
  let total = processCpuMs(pid);
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(fields[13]) + Number(fields[14])) * TICK_MS;
    for (const child of childPids(pid)) total += processTreeCpuMs(child);
  } catch {
    // gone meanwhile
  }
  return total;
}

/** This process's CPU time in ms. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

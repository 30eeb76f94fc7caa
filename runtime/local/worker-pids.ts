/**
 * The engine's function worker processes and the dev console's Run processes, listed in `<dataDir>/workers.pid`
 * (one "pid entry-script" per line). Such a process leaves by itself when the engine goes (its IPC channel closes),
 * unless its function is stuck in a synchronous loop or its code took over the process: then it outlives an engine
 * that was killed (SIGKILL, out of memory) and spins on. The next engine on the data dir stops those before it
 * starts its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'workers.pid';

/** What a process launcher needs of the list. */
export type ProcessList = Pick<WorkerPids, 'started' | 'exited'>;

export class WorkerPids {
  private readonly path: string;
  private readonly live = new Map<number, string>();

  constructor(dataDir: string) {
    this.path = join(dataDir, FILE);
  }

  started(pid: number, entry: string): void {
    this.live.set(pid, entry);
    this.write();
  }

  exited(pid: number): void {
    if (this.live.delete(pid)) this.write();
  }

  private write(): void {
    try {
      writeFileSync(this.path, [...this.live].map(([pid, entry]) => `${pid} ${entry}\n`).join(''), { mode: 0o600 });
    } catch {
      // A full disk: the list is only for the next start's clean-up.
    }
  }
}

/**
 * Stops the workers a previous engine on `dataDir` listed and that still run its worker script; returns their pids.
 * A pid is killed only when its command line (/proc on Linux, `ps` elsewhere) still names the entry script it was
 * listed with: a pid reused by another process is left alone.
 */
export function stopOrphanedWorkers(dataDir: string, commandLine: (pid: number) => string | null = commandLineOf): number[] {
  const path = join(dataDir, FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const stopped: number[] = [];
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    const pid = Number(line.slice(0, space));
    const entry = line.slice(space + 1);
    if (space <= 0 || !Number.isInteger(pid) || pid <= 1 || pid === process.pid || entry === '') continue;
    if (!commandLine(pid)?.includes(entry)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      stopped.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  rmSync(path, { force: true });
  return stopped;
}

function commandLineOf(pid: number): string | null {
  return existsSync('/proc/self/cmdline') ? procCommandLine(pid) : psCommandLine(pid);
}

function procCommandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return null;
  }
}

/** A process's command line from `ps` (macOS, the BSDs), or null when there is no such process. */
export function psCommandLine(pid: number): string | null {
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null; // no such process (ps exits 1), or no ps
  }
}

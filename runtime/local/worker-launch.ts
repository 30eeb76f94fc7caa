/**
 * Starts a function's worker process under Node's permission model: it may read only the worker's
 * own code (worker-bundle.ts), the node_modules directories its `require`s resolve from, and the
 * function's own folder; it may not write files, start processes or threads, load addons, use WASI
 * or the inspector. Its environment is empty (none of the engine's variables), and the function's
 * settings reach it over IPC after the spawn (worker-protocol.ts `init`), never in its environment
 * or command line. Function code that escapes its vm context therefore reaches this process only,
 * whose one secret is that function's own settings.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { LOCAL_SETTINGS_FILE } from '../settings/file';
import { entryReadPaths } from './worker-bundle';
import type { ProcessList } from './worker-pids';

export interface WorkerLaunch {
  /** The worker's script (worker-bundle.ts workerEntry()). */
  entry: string;
  /** The function's folder: the process's working directory; readable but for its settings.local.json. */
  functionDir: string;
  memoryLimitMb: number;
  /** Told of the process's start and exit (worker-pids.ts: the next engine stops one left running). */
  processes?: ProcessList;
}

/** The oldest Node whose permission model takes one --allow-fs-read per path and has --disable-warning. */
const OLDEST_NODE = [20, 11];

/** Throws when this Node cannot run workers under the permission model (checked when a pool is made). */
export function assertWorkerSandbox(version = process.versions.node): void {
  const [major, minor] = version.split('.').map(Number);
  if (major > OLDEST_NODE[0] || (major === OLDEST_NODE[0] && minor >= OLDEST_NODE[1])) return;
  throw new Error(`destfn runs functions under Node's permission model, which needs Node ${OLDEST_NODE.join('.')} or later (this is ${version})`);
}

/** The flags, by feature: Node 22.13+/23.5+ name it --permission, and later versions also gate the network. */
function permissionFlags(reads: string[], flags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): string[] {
  return [
    flags.has('--permission') ? '--permission' : '--experimental-permission',
    // A comma is part of the path: one flag per path.
    ...reads.map((path) => `--allow-fs-read=${path}`),
    // Function code has `fetch`: the network stays open, as on Lambda.
    ...(flags.has('--allow-net') ? ['--allow-net'] : []),
  ];
}

/**
 * The event scope (invocation/event-scope.ts) is an AsyncLocalStorage. On Node 20 that keeps async hooks running for
 * every promise, tick and socket callback of the worker; where Node offers it (22.7+, by default from 24), V8 carries
 * the context instead: 7 % less worker CPU per event on Node 22 (bench/RESULTS.md, eighteenth session).
 */
export function asyncContextFlags(flags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): string[] {
  return flags.has('--experimental-async-context-frame') ? ['--experimental-async-context-frame'] : [];
}

export function launchWorker(given: WorkerLaunch): ChildProcess {
  const launch = { ...given, entry: realPath(given.entry), functionDir: realPath(given.functionDir) };
  const child = fork(launch.entry, [], {
    cwd: launch.functionDir,
    env: {},
    execArgv: [
      ...permissionFlags(readablePaths(launch)),
      `--max-old-space-size=${launch.memoryLimitMb}`,
      '--disable-warning=ExperimentalWarning',
      ...asyncContextFlags(),
    ],
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const { pid } = child;
  if (pid !== undefined && launch.processes) {
    const list = launch.processes;
    list.started(pid, launch.entry);
    child.once('exit', () => list.exited(pid));
  }
  return child;
}

/**
 * The path with every symlink resolved (itself when it does not exist). Under the permission model, a path reached
 * through a symlink needs the link granted as well as its target, and granting a linked folder would grant its
 * settings.local.json: so the worker is started on real paths (its entry, its folder) and granted only those. A
 * symlinked node_modules, a function folder linked into functions/, a project under a linked directory all work.
 */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Everything the worker process may read (`launch` on real paths: launchWorker). */
export function readablePaths(launch: Pick<WorkerLaunch, 'entry' | 'functionDir'>): string[] {
  const paths = new Set<string>([
    ...entryReadPaths(launch.entry),
    ...nodeModulesOnPath(launch.entry),
    ...folderEntriesButLocalSettings(launch.functionDir),
    // A module-style function's external packages (`@aws-sdk/*`), from its folder up.
    ...nodeModulesOnPath(join(launch.functionDir, 'index.js')),
  ]);
  return [...paths];
}

/**
 * Each entry of the function's folder except settings.local.json: the permission model only grants, so the file
 * is left out by listing the rest. With instances that file holds every instance's secrets, and each instance
 * gets its own settings over IPC; its worker has no reason to read the file.
 */
function folderEntriesButLocalSettings(dir: string): string[] {
  const localSettings = realPath(join(dir, LOCAL_SETTINGS_FILE));
  try {
    // An entry that is a link is granted with its target (both are read), unless that target is the secrets file.
    return readdirSync(dir).filter((name) => name !== LOCAL_SETTINGS_FILE).flatMap((name) => {
      const path = join(dir, name);
      const target = realPath(path);
      if (target === localSettings) return [];
      return target === path ? [path] : [path, target];
    });
  } catch {
    return [];
  }
}

/** The node_modules directories `require` looks in from `file`, those that exist. */
function nodeModulesOnPath(file: string): string[] {
  const lookup = createRequire(file).resolve.paths('some-package') ?? [];
  return lookup.filter((dir) => basename(dir) === 'node_modules' && existsSync(dir));
}

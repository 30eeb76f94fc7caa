/** The local engine as a child process (bench/support/engine-child.ts). */
import { join } from 'node:path';
import { startChild } from './child';

export interface EngineProcess { url: string; writeKey: string; pid: number; stop(): Promise<void> }

/** BENCH_ENGINE_PROF=<dir> profiles the engine (every thread) with node --cpu-prof. */
export async function startEngineProcess(functionsDir: string, dataDir: string): Promise<EngineProcess> {
  const prof = process.env.BENCH_ENGINE_PROF;
  const child = await startChild<{ url: string; writeKey: string }>([join(__dirname, 'engine-child.ts'), functionsDir, dataDir], {
    nodeArgs: [...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), '--import', 'tsx'],
  });
  return { ...child.info, pid: child.pid, stop: child.stop };
}

/**
 * One engine per data dir. Starting releases every lease in the queue (they belong to a dead
 * process), which is only right when no other engine is using the database.
 */
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireEngineLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'engine.pid');
  let pid = NaN;
  try { pid = Number.parseInt(readFileSync(file, 'utf8'), 10); } catch { /* no lock */ }
  const ours = pid === process.pid;
  if (Number.isInteger(pid) && ((ours && heldHere.has(file)) || (!ours && alive(pid)))) {
    throw new Error(`another destfn engine (pid ${pid}) is using ${dataDir}; stop it or use another --data dir`);
  }
  writeFileSync(file, String(process.pid));
  heldHere.add(file);
  return () => {
    heldHere.delete(file);
    try { if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file); } catch { /* gone */ }
  };
}

/** The pid of the engine running on `dataDir`, if any (for CLI messages). */
export function runningEnginePid(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, 'engine.pid'), 'utf8'), 10);
    return Number.isInteger(pid) && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Hot reload: watch the functions folder (folders added/removed) and each function folder (files
 * saved), and report the function name once things settle (editors write in several steps).
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { subfolderNames } from '../function';

const DEBOUNCE_MS = 150;

export interface FunctionsWatcher { close(): void }

export function watchFunctions(functionsDir: string, onChange: (name: string) => void): FunctionsWatcher {
  const watchers = new Map<string, FSWatcher>();
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;

  const changed = (name: string) => {
    if (closed || name.startsWith('.')) return;
    clearTimeout(timers.get(name));
    const timer = setTimeout(() => {
      timers.delete(name);
      if (closed) return;
      watchDir(name); // a new folder, or one that was re-created
      onChange(name);
    }, DEBOUNCE_MS);
    timer.unref();
    timers.set(name, timer);
  };

  const tryWatch = (path: string, listener: (filename: string | null) => void): FSWatcher | null => {
    try {
      const w = watch(path, (_event, filename) => listener(filename === null ? null : String(filename)));
      w.on('error', () => undefined);
      w.unref();
      return w;
    } catch {
      return null;
    }
  };

  const watchDir = (name: string) => {
    const existing = watchers.get(name);
    if (existing) { existing.close(); watchers.delete(name); }
    const w = tryWatch(join(functionsDir, name), () => changed(name));
    if (w) watchers.set(name, w);
  };

  const root = tryWatch(functionsDir, (filename) => {
    if (filename) changed(filename.split(/[\\/]/)[0]);
  });
  try {
    for (const name of subfolderNames(functionsDir)) watchDir(name);
  } catch { /* nothing to watch */ }

  return {
    close() {
      closed = true;
      root?.close();
      for (const w of watchers.values()) w.close();
      for (const t of timers.values()) clearTimeout(t);
      watchers.clear();
      timers.clear();
    },
  };
}

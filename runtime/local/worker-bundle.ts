/**
 * The worker thread's code as one prebuilt CommonJS file. Loading ~100 TypeScript modules through
 * tsx in every new worker costs about a second on a busy 2-core machine; one esbuild bundle loads
 * in a fraction of that. The bundle is content-addressed by its inputs' mtimes and sizes and kept
 * under the package's node_modules/.cache (so `require` from module-style functions still resolves
 * destfn's dependencies). Any failure falls back to the tsx bootstrap.
 * Workers are processes (worker-launch.ts); this file also says what their code needs to read.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PACKAGE_ROOT = join(__dirname, '..', '..');
const CACHE_DIR = join(PACKAGE_ROOT, 'node_modules', '.cache', 'destfn');
const INPUTS_FILE = join(CACHE_DIR, 'worker-inputs.json');
const ENTRY = join(__dirname, 'worker-main.ts');
/** Runs the TypeScript worker through tsx (the fallback, and DESTFN_WORKER_BUNDLE=0). */
export const WORKER_BOOTSTRAP = join(__dirname, 'worker-bootstrap.cjs');

let pending: Promise<string> | null = null;

/** What a worker started with `entry` reads besides node_modules (its process may read nothing else: worker-launch.ts). */
export function entryReadPaths(entry: string): string[] {
  if (entry !== WORKER_BOOTSTRAP) return [entry];
  // tsx compiles the TypeScript sources as it loads them.
  return [join(PACKAGE_ROOT, 'runtime'), join(PACKAGE_ROOT, 'package.json'), join(PACKAGE_ROOT, 'tsconfig.json')];
}

/** Path of the script to start workers with. */
export function workerEntry(): Promise<string> {
  if (process.env.DESTFN_WORKER_BUNDLE === '0') return Promise.resolve(WORKER_BOOTSTRAP);
  return (pending ??= bundle().catch(() => WORKER_BOOTSTRAP));
}

function keyOf(inputs: readonly string[]): string | null {
  const hash = createHash('sha256');
  for (const input of inputs) {
    try {
      const s = statSync(join(PACKAGE_ROOT, input));
      hash.update(`${input}:${s.mtimeMs}:${s.size}\n`);
    } catch {
      return null;
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function cached(): string | null {
  try {
    const inputs = JSON.parse(readFileSync(INPUTS_FILE, 'utf8')) as string[];
    const key = keyOf(inputs);
    const file = key && join(CACHE_DIR, `worker-${key}.js`);
    return file && existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

function writeAtomic(file: string, content: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

async function bundle(): Promise<string> {
  const hit = cached();
  if (hit) return hit;
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    absWorkingDir: PACKAGE_ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    outfile: join(CACHE_DIR, 'worker.js'),
    // Left to `require` at run time: the AWS SDK (the `AWS` global loads it lazily) and esbuild (native).
    external: ['@aws-sdk/*', 'esbuild'],
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((i) => !i.startsWith('<'));
  const key = keyOf(inputs);
  if (!key) throw new Error('bundle inputs changed while building');
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = join(CACHE_DIR, `worker-${key}.js`);
  writeAtomic(file, result.outputFiles[0].contents);
  writeAtomic(INPUTS_FILE, JSON.stringify(inputs));
  pruneOld(file);
  return file;
}

/** Bundles of older runtime sources, unused for a day (a running engine may still be using a recent one). */
function pruneOld(keep: string): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of readdirSync(CACHE_DIR)) {
    const path = join(CACHE_DIR, name);
    if (path === keep || !/^worker-[0-9a-f]{16}\.js$/.test(name)) continue;
    try { if (statSync(path).mtimeMs < dayAgo) rmSync(path); } catch { /* gone already */ }
  }
}

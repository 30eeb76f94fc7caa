/**
 * Lambda assets built at synth without Docker: esbuild's JS API bundles the handlers, and every asset
 * directory is staged under os.tmpdir() in a folder named by the hash of its content. Same input ⇒ same
 * bytes ⇒ same CDK asset hash, so an unchanged function is not redeployed. Every change of a function stages a new
 * folder, so the first staging of a synth removes those no synth has used for a week (each use touches its folder).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';

/** Relative path → file content. */
export type AssetFiles = Readonly<Record<string, string>>;

export const STAGING_ROOT = join(tmpdir(), 'destfn-cdk-assets');
export const STAGED_UNUSED_MAX_MS = 7 * 24 * 60 * 60 * 1000;
const WHATWG_URL_STUB = join(__dirname, '..', 'runtime', 'sandbox', 'whatwg-url-node.ts');
const bundles = new Map<string, { code: string; inputs: string[] }>();

/** One CommonJS file for Lambda's Node runtime; the AWS SDK v3 ships with the runtime. */
export function bundleHandler(entry: string): string {
  return bundle(entry).code;
}

/** The source files esbuild put in bundleHandler(entry), relative to the working directory (its metafile). */
export function bundledInputs(entry: string): string[] {
  return bundle(entry).inputs;
}

function bundle(entry: string): { code: string; inputs: string[] } {
  const cached = bundles.get(entry);
  if (cached !== undefined) return cached;
  if (!existsSync(entry)) throw new Error(`Lambda handler entry not found: ${entry}`);
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    // esbuild compiles a function source that was not prebuilt at synth, which never happens on Lambda (nor
    // could it: its native binary is not there). External, its 43 KB JS API stays out of the bundle.
    external: ['@aws-sdk/*', 'esbuild'],
    // node-fetch 2 (the sandbox's fetch) loads whatwg-url only for Node's own URL class: see the stub.
    alias: { 'whatwg-url': WHATWG_URL_STUB },
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const built = { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
  bundles.set(entry, built);
  return built;
}

/** Writes `files` into a content-addressed directory (idempotent) and returns its path. */
export function stageAsset(files: AssetFiles): string {
  const names = Object.keys(files).sort();
  const hash = createHash('sha256');
  for (const name of names) hash.update(`${name}\0${files[name]}\0`);
  const dir = join(STAGING_ROOT, hash.digest('hex').slice(0, 32));
  pruneUnusedOnce();
  if (existsSync(dir)) {
    const now = new Date();
    utimesSync(dir, now, now);
    return dir;
  }

  const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
  for (const name of names) {
    const file = join(partial, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, files[name]);
  }
  try {
    renameSync(partial, dir);
  } catch (err) {
    // Another synth staged the same content first: identical bytes, keep theirs.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  return dir;
}

let pruned = false;

/** Removes the staged folders (and leftovers of interrupted stagings) no synth has used for STAGED_UNUSED_MAX_MS. */
function pruneUnusedOnce(): void {
  if (pruned) return;
  pruned = true;
  const before = Date.now() - STAGED_UNUSED_MAX_MS;
  let entries: string[];
  try {
    entries = readdirSync(STAGING_ROOT);
  } catch {
    return; // nothing staged yet
  }
  for (const entry of entries) {
    const path = join(STAGING_ROOT, entry);
    try {
      if (statSync(path).mtimeMs < before) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another synth meanwhile, or not ours to remove: it stays.
    }
  }
}

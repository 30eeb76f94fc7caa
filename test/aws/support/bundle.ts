/**
 * Loads a Lambda handler the way it ships: bundled by esbuild to one CommonJS file with @aws-sdk/* external
 * (as lib/ does for the layer and the ingest Lambda). This is also how jest gets @middy/core, which is ESM-only.
 * The SDK stays external so aws-sdk-client-mock patches the very client classes the bundle uses.
 */
import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const REPO = resolve(__dirname, '..', '..', '..');
// Inside the repo so the bundle's require('@aws-sdk/…') resolves to the same node_modules as the test's.
const OUT_DIR = join(REPO, 'node_modules', '.cache', 'destfn-aws-test', String(process.pid));

export function loadBundledHandler<T>(name: 'ingest-handler' | 'destination-handler'): T {
  const outfile = join(OUT_DIR, `${name}.js`);
  mkdirSync(OUT_DIR, { recursive: true });
  buildSync({
    entryPoints: [join(REPO, 'runtime', 'aws', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // esbuild is only needed to compile a function source that was not prebuilt at synth.
    external: ['@aws-sdk/*', 'esbuild'],
    sourcemap: 'inline',
    outfile,
    logLevel: 'silent',
  });
  return require(outfile) as T;
}

export function removeBundles(): void {
  rmSync(OUT_DIR, { recursive: true, force: true });
  try { rmdirSync(dirname(OUT_DIR)); } catch { /* another test file's bundle is still there */ }
}

/**
 * The console's script and style, bundled by esbuild from app/ (TypeScript, Preact + htm) on first request and kept
 * in memory for the life of the process: nothing built is committed or written to disk.
 */
import { basename, join } from 'node:path';

export interface ConsoleAsset { type: string; body: string }

export const CONSOLE_ASSET_PATHS = { script: '/console/app.js', style: '/console/app.css' } as const;

const APP_DIR = join(__dirname, 'app');

let pending: Promise<ReadonlyMap<string, ConsoleAsset>> | null = null;

/** `/console/app.js` and `/console/app.css` → content type and body. A failed build is tried again at the next call. */
export function consoleAssets(): Promise<ReadonlyMap<string, ConsoleAsset>> {
  pending ??= build().catch((err: unknown) => {
    pending = null;
    throw err;
  });
  return pending;
}

async function build(): Promise<ReadonlyMap<string, ConsoleAsset>> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [{ in: join(APP_DIR, 'main.ts'), out: 'app' }, { in: join(APP_DIR, 'styles.css'), out: 'app' }],
    absWorkingDir: APP_DIR,
    outdir: '/console',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const assets = new Map<string, ConsoleAsset>();
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    if (name === 'app.js') assets.set(CONSOLE_ASSET_PATHS.script, { type: 'text/javascript; charset=utf-8', body: file.text });
    if (name === 'app.css') assets.set(CONSOLE_ASSET_PATHS.style, { type: 'text/css; charset=utf-8', body: file.text });
  }
  if (assets.size !== 2) throw new Error(`console build gave ${result.outputFiles.map((f) => f.path).join(', ')}`);
  return assets;
}

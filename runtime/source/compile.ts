/**
 * index.js|index.ts → the JavaScript the runtime evaluates (esbuild, loaded lazily so that prebuilt
 * sources need no esbuild, e.g. on Lambda).
 *
 * Style: a file with ES import/export is module style and is bundled
 * (CommonJS, node20) so it can import npm packages and `destfn`. Anything else is Segment script
 * style: a .js file is used byte for byte, a .ts file only has its types stripped, and nothing is
 * wrapped, so sloppy-mode semantics and top-level declarations stay as Segment runs them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as Esbuild from 'esbuild';
import { FunctionConfigError } from '../api/errors';
import type { FunctionSource } from './types';
import { displayPath } from './display-path';

/** What `import … from 'destfn'` (or '@destfn/runtime') resolves to inside a module-style bundle. */
export const FUNCTION_API_ENTRY = join(__dirname, '..', 'api', 'index.ts');
const RUNTIME_NODE_MODULES = join(__dirname, '..', '..', 'node_modules');

export interface CompileOptions {
  /** Also give the source map of the code (TypeScript or module style; a .js script runs as written): the dev console maps stack frames. */
  sourceMap?: boolean;
}

export function compileFunctionSource(filename: string, options: CompileOptions = {}): FunctionSource {
  const esbuild = loadEsbuild();
  const text = readFileSync(filename, 'utf8');
  const sourcemap = options.sourceMap ? 'external' as const : undefined;
  // Types are stripped first: a script that only imports types (`import type { TrackEvent } from
  // 'destfn'`) is still a Segment script once they are gone.
  const stripped = filename.endsWith('.ts')
    ? run(filename, () => esbuild.transformSync(text, { loader: 'ts', sourcefile: filename, logLevel: 'silent', sourcemap }))
    : { code: text, map: '' };
  if (hasModuleSyntax(esbuild, filename, stripped.code)) return { style: 'module', ...bundle(esbuild, filename, sourcemap), filename };
  return { style: 'script', code: stripped.code, filename, ...(stripped.map ? { sourceMap: stripped.map } : {}) };
}

function bundle(esbuild: typeof Esbuild, filename: string, sourcemap: 'external' | undefined): { code: string; sourceMap?: string } {
  const result = run(filename, () =>
    esbuild.buildSync({
      entryPoints: [filename],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      alias: { destfn: FUNCTION_API_ENTRY, '@destfn/runtime': FUNCTION_API_ENTRY },
      nodePaths: [RUNTIME_NODE_MODULES],
      external: ['@aws-sdk/*'],
      define: { 'process.env.NODE_ENV': '"production"' }, // `process` is not a global of function code
      // Only names the map's sources relative to the function's folder; nothing is written.
      ...(sourcemap ? { sourcemap, outfile: join(dirname(filename), 'bundle.js') } : {}),
    }),
  );
  const code = result.outputFiles.find((f) => !f.path.endsWith('.map'))!.text;
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  return map ? { code, sourceMap: map.text } : { code };
}

/**
 * esbuild's metafile says whether code uses ES module syntax (format 'esm'). Its 'cjs' verdict is
 * not used: esbuild also gives it for a top-level `this`, which Segment scripts may have.
 * Imports stay external: this only parses the code (and reports syntax errors).
 */
function hasModuleSyntax(esbuild: typeof Esbuild, filename: string, js: string): boolean {
  const result = run(filename, () =>
    esbuild.buildSync({
      stdin: { contents: js, loader: 'js', sourcefile: filename },
      bundle: true,
      external: ['*'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    }),
  );
  return Object.values(result.metafile.inputs).some((input) => input.format === 'esm');
}

function run<T>(filename: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    const first = (err as { errors?: Esbuild.Message[] }).errors?.[0];
    if (!first) throw err;
    const at = first.location ? `:${first.location.line}:${first.location.column + 1}` : '';
    throw new FunctionConfigError(`${displayPath(filename)}${at}: ${first.text}`);
  }
}

function loadEsbuild(): typeof Esbuild {
  return require('esbuild') as typeof Esbuild;
}

/** Loading a function folder: functions/<name>/ with function.json (optional) and index.js|index.ts. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FunctionConfigError } from './errors';
import { parseFunctionConfig, type FunctionConfig } from './function-config';
import { compileFilter } from './routing/filter';
import { compileFunctionSource } from './source/compile';
import { displayPath } from './source/display-path';
import { parsePrebuiltSource } from './source/prebuilt';

export interface FunctionSource {
  /** JavaScript: TS already stripped (script) or bundled to CommonJS (module) by esbuild. */
  code: string;
  style: 'script' | 'module';
  filename: string;
}

export interface FunctionDefinition {
  name: string;
  dir: string;
  config: FunctionConfig;
  source: FunctionSource;
}

export const SOURCE_FILES = ['index.ts', 'index.js'] as const;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function readFunctionDefinition(dir: string): FunctionDefinition {
  const absDir = resolve(dir);
  const name = basename(absDir);
  if (!NAME_PATTERN.test(name)) {
    throw new FunctionConfigError(`${displayPath(absDir)}: function name "${name}" may only use letters, digits, "-" and "_"`);
  }
  const config = readFunctionConfig(absDir);
  compileFilter(name, config.filter);
  return { name, dir: absDir, config, source: readSource(absDir) };
}

/** Every subfolder holding an index.js or index.ts, sorted by name. A missing folder has none. */
export function discoverFunctions(functionsDir: string): FunctionDefinition[] {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && SOURCE_FILES.some((f) => existsSync(join(functionsDir, entry.name, f))))
    .map((entry) => entry.name)
    .sort()
    .map((name) => readFunctionDefinition(join(functionsDir, name)));
}

/** function.json of a folder, with defaults; the defaults alone when the file is absent. */
export function readFunctionConfig(dir: string): FunctionConfig {
  const file = join(dir, 'function.json');
  return parseFunctionConfig(existsSync(file) ? readJsonFile(file) : undefined, displayPath(file));
}

export function readJsonFile(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FunctionConfigError(`${displayPath(file)}: invalid JSON: ${(err as Error).message}`);
  }
}

function readSource(dir: string): FunctionSource {
  const present = SOURCE_FILES.filter((f) => existsSync(join(dir, f)));
  if (present.length === 0) throw new FunctionConfigError(`${displayPath(dir)}: no index.js or index.ts`);
  if (present.length > 1) throw new FunctionConfigError(`${displayPath(dir)}: both index.ts and index.js exist; keep one`);
  const filename = join(dir, present[0]);
  if (filename.endsWith('.js')) {
    const prebuilt = parsePrebuiltSource(readFileSync(filename, 'utf8'), filename);
    if (prebuilt) return prebuilt;
  }
  return compileFunctionSource(filename);
}

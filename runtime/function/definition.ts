/** Loading a function folder: functions/<name>/ with function.json (optional) and index.js|index.ts. */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FunctionConfigError } from '../api/errors';
import { readFunctionConfig, type FunctionConfig } from './config';
import { compileFilter } from '../routing/filter';
import { displayPath, readFunctionSource, SOURCE_FILES, type FunctionSource } from '../source';

export interface FunctionDefinition {
  name: string;
  dir: string;
  config: FunctionConfig;
  source: FunctionSource;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function readFunctionDefinition(dir: string): FunctionDefinition {
  const absDir = resolve(dir);
  const name = basename(absDir);
  if (!NAME_PATTERN.test(name)) {
    throw new FunctionConfigError(`${displayPath(absDir)}: function name "${name}" may only use letters, digits, "-" and "_"`);
  }
  const config = readFunctionConfig(absDir);
  compileFilter(name, config.filter);
  return { name, dir: absDir, config, source: readFunctionSource(absDir) };
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

/** Loading a function folder: functions/<name>/ with function.json (optional) and index.js|index.ts. */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FunctionConfigError } from '../api/errors';
import { NAME_PATTERN, readFunctionConfig } from './config';
import { expandInstances } from './instances';
import { codeVersion } from './version';
import { compileFilter } from '../routing/filter';
import { COMMITTED_SETTINGS_FILE, readSettingsFile } from '../settings/file';
import { displayPath, readFunctionSource, SOURCE_FILES } from '../source';
import type { FunctionDefinition } from './types';

export type { DefinitionInstance, FunctionDefinition } from './types';

/** The folder as one definition: `instances` (if any) not applied. Checks the name, function.json, filter and source. */
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

/** What the folder runs: itself, or one definition per declared instance; each with its code version. */
export function readFunctionFolder(dir: string): FunctionDefinition[] {
  const folder = readFunctionDefinition(dir);
  const shared = readSettingsFile(join(folder.dir, COMMITTED_SETTINGS_FILE));
  return expandInstances(folder).map((def) => ({
    ...def,
    version: codeVersion(def.source, def.config, { ...shared, ...def.instance?.settings }),
  }));
}

/** Every subfolder holding an index.js or index.ts, sorted by name, expanded into its instances. A missing folder has none. */
export function discoverFunctions(functionsDir: string): FunctionDefinition[] {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && SOURCE_FILES.some((f) => existsSync(join(functionsDir, entry.name, f))))
    .map((entry) => entry.name)
    .sort()
    .flatMap((name) => readFunctionFolder(join(functionsDir, name)));
}

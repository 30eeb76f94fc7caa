/** Loading a function folder: functions/<name>/ with function.json (optional) and index.js|index.ts. */
import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs';
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
  return subfolderNames(functionsDir)
    .filter((name) => SOURCE_FILES.some((f) => existsSync(join(functionsDir, name, f))))
    .sort()
    .flatMap((name) => readFunctionFolder(join(functionsDir, name)));
}

/** The folders of `dir`, a link to a folder included (a function folder shared by linking it into functions/). */
export function subfolderNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((entry) => isFolder(dir, entry)).map((entry) => entry.name);
}

function isFolder(dir: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(dir, entry.name)).isDirectory();
  } catch {
    return false; // a dangling link
  }
}

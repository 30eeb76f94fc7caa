/** Loading the functions folder for the engine: definition + resolved local settings, per function (or instance). */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertKnownSources, discoverFunctions, readFunctionFolder, type FunctionDefinition } from '../function';
import { readLocalSettingValues, resolveSettings, secretValues, type Settings } from '../settings';

export interface LoadedFunction {
  definition: FunctionDefinition;
  settings: Settings;
  secrets: string[];
  /** Changes when anything that affects delivery changes (hot reload ignores no-op saves). */
  fingerprint: string;
}

function withSettings(definition: FunctionDefinition, sourceNames: readonly string[] | undefined): LoadedFunction {
  if (sourceNames) assertKnownSources(definition, sourceNames);
  const settings = resolveSettings(definition, readLocalSettingValues(definition.dir, definition.instance));
  return {
    definition,
    settings,
    secrets: secretValues(definition, settings),
    fingerprint: JSON.stringify([definition.config, definition.source.code, definition.source.style, settings]),
  };
}

/**
 * Every function of `functionsDir`, a folder with instances giving one per instance. Throws (FunctionConfigError)
 * on the first one that cannot run, e.g. `function "teams:eu": setting "url" is required`: the engine does not
 * start half-configured. With `sourceNames`, a function whose `sources` names another is refused too.
 */
export function loadAllFunctions(functionsDir: string, sourceNames?: readonly string[]): LoadedFunction[] {
  if (!existsSync(functionsDir) || !statSync(functionsDir).isDirectory()) {
    throw new Error(`functions directory not found: ${functionsDir}`);
  }
  return discoverFunctions(functionsDir).map((def) => withSettings(def, sourceNames));
}

/** True when `dir` holds a function (index.js or index.ts). */
export function isFunctionDir(dir: string): boolean {
  return existsSync(join(dir, 'index.js')) || existsSync(join(dir, 'index.ts'));
}

/** What one folder runs: itself, or its instances. Throws when any of them cannot run. */
export function loadFunctionFolder(dir: string, sourceNames?: readonly string[]): LoadedFunction[] {
  return readFunctionFolder(dir).map((def) => withSettings(def, sourceNames));
}

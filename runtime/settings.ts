/**
 * Function settings: values from files (local) or Secrets Manager (AWS), checked against the
 * declarations in function.json before any event is handled.
 */
import { join } from 'node:path';
import { FunctionConfigError } from './errors';
import { readFunctionConfig } from './function-definition';
import { COMMITTED_SETTINGS_FILE, LOCAL_SETTINGS_FILE, readSettingsFile } from './settings-file';
import { displayPath } from './source/display-path';

// resolveSettings and secretValues live apart from function.json's zod schema, which this module loads.
export { resolveSettings, secretValues, type ResolveSettingsOptions, type Settings } from './settings-resolve';
export { COMMITTED_SETTINGS_FILE, LOCAL_SETTINGS_FILE };

/**
 * settings.json (committed, non-secret) merged with settings.local.json (git-ignored, secrets too);
 * the local file wins. A non-empty secret value in settings.json is an error.
 */
export function readLocalSettingValues(dir: string): Record<string, unknown> {
  const committed = readSettingsFile(join(dir, COMMITTED_SETTINGS_FILE));
  const specs = readFunctionConfig(dir).settings;
  for (const [key, value] of Object.entries(committed)) {
    if (specs[key]?.secret && value !== undefined && value !== null && value !== '') {
      throw new FunctionConfigError(
        `${displayPath(join(dir, COMMITTED_SETTINGS_FILE))}: field "${key}": secret settings must not be committed; `
          + `put it in ${LOCAL_SETTINGS_FILE} (npx destfn secrets set <function> ${key}=…)`,
      );
    }
  }
  return { ...committed, ...readSettingsFile(join(dir, LOCAL_SETTINGS_FILE)) };
}

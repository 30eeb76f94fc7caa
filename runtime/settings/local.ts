/**
 * Local setting values of a function folder, read against function.json (zod). Resolving and checking the
 * values is settings/resolve.ts, which the Lambda uses without loading function.json's schema.
 */
import { join } from 'node:path';
import { FunctionConfigError } from '../api/errors';
import { readFunctionConfig } from '../function/definition';
import { COMMITTED_SETTINGS_FILE, LOCAL_SETTINGS_FILE, readSettingsFile } from './file';
import { displayPath } from '../source/display-path';

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

/**
 * Local setting values of a function folder: settings.json (committed, non-secret) and settings.local.json
 * (git-ignored, secrets too), read against function.json (zod). Resolving and checking the values is
 * settings/resolve.ts, which the Lambda uses without loading function.json's schema.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionConfigError } from '../api/errors';
import { readFunctionConfig } from '../function/config';
import { COMMITTED_SETTINGS_FILE, LOCAL_SETTINGS_FILE, readSettingsFile } from './file';
import { displayPath } from '../source/display-path';

/**
 * settings.json merged with settings.local.json; the local file wins. A non-empty secret value in
 * settings.json is an error.
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

/** Merges `values` into settings.local.json (readable by the owner only: it holds secrets); returns the file. */
export function writeLocalSettingValues(dir: string, values: Record<string, unknown>): string {
  const file = join(dir, LOCAL_SETTINGS_FILE);
  const merged = { ...readSettingsFile(file), ...values };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // `mode` only applies when the file is created
  return file;
}

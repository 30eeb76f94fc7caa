/** Files of setting values: a function folder's settings.json / settings.local.json, a `destfn run --settings` file. */
import { existsSync } from 'node:fs';
import { FunctionConfigError } from '../api/errors';
import { isPlainObject } from '../events/plain-object';
import { readJsonFile } from './json-file';
import { displayPath } from '../source/display-path';

export const COMMITTED_SETTINGS_FILE = 'settings.json';
export const LOCAL_SETTINGS_FILE = 'settings.local.json';

/** A JSON object of setting values; throws naming the file when it is missing or not such an object. */
export function readSettingValues(file: string): Record<string, unknown> {
  const value = readJsonFile(file);
  if (!isPlainObject(value)) {
    throw new FunctionConfigError(`${displayPath(file)}: field "(root)": expected an object of setting values`);
  }
  return value;
}

/** A function folder's settings file; {} when the file is absent. */
export function readSettingsFile(file: string): Record<string, unknown> {
  return existsSync(file) ? readSettingValues(file) : {};
}

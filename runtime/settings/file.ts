/** A function folder's settings file (settings.json / settings.local.json): a JSON object of values, or none. */
import { existsSync } from 'node:fs';
import { FunctionConfigError } from '../api/errors';
import { readJsonFile } from './json-file';
import { displayPath } from '../source/display-path';

export const COMMITTED_SETTINGS_FILE = 'settings.json';
export const LOCAL_SETTINGS_FILE = 'settings.local.json';

/** {} when the file is absent. */
export function readSettingsFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const value = readJsonFile(file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FunctionConfigError(`${displayPath(file)}: field "(root)": expected an object of setting values`);
  }
  return value as Record<string, unknown>;
}

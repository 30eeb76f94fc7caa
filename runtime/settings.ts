/**
 * Function settings: values from files (local) or Secrets Manager (AWS), checked against the
 * declarations in function.json before any event is handled.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionConfigError } from './errors';
import type { FunctionDefinition } from './function-definition';
import { readFunctionConfig, readJsonFile } from './function-definition';
import { coerceSetting } from './settings-types';
import { displayPath } from './source/display-path';

export type Settings = Record<string, unknown>;

export const COMMITTED_SETTINGS_FILE = 'settings.json';
export const LOCAL_SETTINGS_FILE = 'settings.local.json';

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

function readSettingsFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const value = readJsonFile(file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FunctionConfigError(`${displayPath(file)}: field "(root)": expected an object of setting values`);
  }
  return value as Record<string, unknown>;
}

export interface ResolveSettingsOptions {
  /** false: a missing required *secret* is not an error (secrets not available yet, e.g. at synth). Default true. */
  requireSecrets?: boolean;
  /** true: values for undeclared settings are ignored instead of being an error (typo check). Default false. */
  ignoreUnknown?: boolean;
}

/**
 * Defaults, types and `required`; a value for a setting function.json does not declare is an error
 * unless `ignoreUnknown`. Errors name the function and the setting, never a value.
 */
export function resolveSettings(def: FunctionDefinition, values: Record<string, unknown>, opts: ResolveSettingsOptions = {}): Settings {
  const requireSecrets = opts.requireSecrets ?? true;
  const specs = def.config.settings;
  const fail = (key: string, why: string) => new FunctionConfigError(`function "${def.name}": setting "${key}" ${why}`);

  for (const key of opts.ignoreUnknown ? [] : Object.keys(values)) {
    if (!Object.hasOwn(specs, key)) {
      throw fail(key, `is not declared in function.json (declared: ${Object.keys(specs).join(', ')})`);
    }
  }
  const settings: Settings = {};
  for (const [key, spec] of Object.entries(specs)) {
    let value = values[key];
    if (value === undefined || value === null || value === '') value = spec.default;
    if (value === undefined || value === null || value === '') {
      if (spec.required && (requireSecrets || !spec.secret)) throw fail(key, 'is required');
      continue;
    }
    const coerced = coerceSetting(spec.type, value);
    if (!coerced.ok) throw fail(key, `must be ${coerced.expected}`);
    if (spec.required && isEmptyCollection(coerced.value)) throw fail(key, 'is required');
    settings[key] = coerced.value;
  }
  return settings;
}

function isEmptyCollection(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/** The values of secret settings as strings (each element of array/map secrets), for redaction. */
export function secretValues(def: FunctionDefinition, settings: Settings): string[] {
  const secrets: string[] = [];
  for (const [key, spec] of Object.entries(def.config.settings)) {
    if (!spec.secret) continue;
    const value = settings[key];
    const candidates = typeof value === 'string' ? [value]
      : Array.isArray(value) ? value
        : typeof value === 'object' && value !== null ? Object.values(value)
          : [];
    for (const candidate of candidates) if (typeof candidate === 'string' && candidate !== '') secrets.push(candidate);
  }
  return secrets;
}

/**
 * Settings values checked against the declarations of function.json: defaults, types, `required`.
 * No file reading and no function.json schema here, so the destination Lambda can use it without zod.
 */
import { FunctionConfigError } from '../api/errors';
import type { SettingSpec } from '../function/config';
import { coerceSetting } from './types';

export type Settings = Record<string, unknown>;

/** What resolving needs of a function: its name (for errors) and the settings its function.json declares. */
export interface DeclaredSettings {
  name: string;
  config: { settings: Record<string, SettingSpec> };
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
export function resolveSettings(def: DeclaredSettings, values: Record<string, unknown>, opts: ResolveSettingsOptions = {}): Settings {
  const specs = def.config.settings;
  for (const key of opts.ignoreUnknown ? [] : Object.keys(values)) {
    if (!Object.hasOwn(specs, key)) {
      throw settingError(def, key, `is not declared in function.json (declared: ${Object.keys(specs).join(', ')})`);
    }
  }
  const settings: Settings = {};
  for (const key of Object.keys(specs)) {
    const value = resolveSetting(def, key, values[key], opts);
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}

/** One declared setting as resolveSettings gives it (undefined: not set), or the error it throws for that setting. */
export function resolveSetting(def: DeclaredSettings, key: string, value: unknown, opts: Pick<ResolveSettingsOptions, 'requireSecrets'> = {}): unknown {
  const spec = def.config.settings[key];
  if (value === undefined || value === null || value === '') value = spec.default;
  if (value === undefined || value === null || value === '') {
    if (spec.required && ((opts.requireSecrets ?? true) || !spec.secret)) throw settingError(def, key, 'is required');
    return undefined;
  }
  const coerced = coerceSetting(spec.type, value);
  if (!coerced.ok) throw settingError(def, key, `must be ${coerced.expected}`);
  if (spec.required && isEmptyCollection(coerced.value)) throw settingError(def, key, 'is required');
  return coerced.value;
}

function settingError(def: DeclaredSettings, key: string, why: string): FunctionConfigError {
  return new FunctionConfigError(`function "${def.name}": setting "${key}" ${why}`);
}

function isEmptyCollection(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/** The values of secret settings as strings (each element of array/map secrets), for redaction. */
export function secretValues(def: DeclaredSettings, settings: Settings): string[] {
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

/**
 * Settings values checked against the declarations of function.json: defaults, types, `required`.
 * No file reading and no function.json schema here, so the destination Lambda can use it without zod.
 */
import { FunctionConfigError } from '../api/errors';
import type { FunctionDefinition } from '../function/definition';
import { coerceSetting } from './types';

export type Settings = Record<string, unknown>;

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

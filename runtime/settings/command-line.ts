/**
 * Setting values given on the command line (`destfn secrets set <fn> KEY=VALUE…`, locally or --aws), checked
 * with the code `destfn run`, `destfn dev` and the Lambda resolve them with: what is stored, they accept.
 */
import type { SettingSpec } from '../function/config';
import { resolveSetting, type DeclaredSettings } from './resolve';
import { coerceSetting, type SettingType } from './types';

const HOW_TO_WRITE: Record<SettingType, string> = {
  string: 'a string',
  boolean: 'a boolean: use true or false',
  array: 'an array: use a JSON array of strings or a,b,c',
  map: 'a map: use a JSON object of strings, e.g. \'{"a":"b"}\'',
};

/** `KEY=VALUE` pairs → values in their types. Errors name the setting, never the value. */
export function parseSettingAssignments(def: DeclaredSettings, pairs: readonly string[]): Record<string, unknown> {
  const specs = def.config.settings;
  const values: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`expected KEY=VALUE, got an argument without "=" (${eq === 0 ? 'empty key' : 'no "="'})`);
    const name = pair.slice(0, eq);
    if (!Object.hasOwn(specs, name)) {
      throw new Error(`function "${def.name}" has no setting "${name}" (settings: ${Object.keys(specs).join(', ') || 'none'})`);
    }
    const value = parseSettingValue(name, specs[name], pair.slice(eq + 1));
    resolveSetting(def, name, value); // `required`, as a run would check it
    values[name] = value;
  }
  return values;
}

/** A command-line value in the setting's type, read as a settings file value is (an array may also be a,b,c). */
function parseSettingValue(name: string, spec: SettingSpec, raw: string): unknown {
  const value = spec.type === 'array' && !raw.trim().startsWith('[')
    ? raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
    : raw;
  const coerced = coerceSetting(spec.type, value);
  if (!coerced.ok) throw new Error(`setting "${name}" is ${HOW_TO_WRITE[spec.type]}`);
  return coerced.value;
}

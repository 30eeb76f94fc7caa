/**
 * Local setting values of a function folder: settings.json (committed, non-secret) and settings.local.json
 * (git-ignored, secrets too), read against function.json (zod). Resolving and checking the values is
 * settings/resolve.ts, which the Lambda uses without loading function.json's schema.
 *
 * A folder that declares instances keeps one section per instance in settings.local.json
 * (`{"eu": {"apiKey": "…"}, "us": {…}}`): an instance reads only its own section, never another's secrets.
 * Its committed values are settings.json, then its `instances.<name>.settings` in function.json.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionConfigError } from '../api/errors';
import { isPlainObject } from '../events/plain-object';
import { readFunctionConfig, type FunctionConfig } from '../function/config';
import { COMMITTED_SETTINGS_FILE, LOCAL_SETTINGS_FILE, readSettingsFile } from './file';
import { displayPath } from '../source/display-path';

/** Which instance of the folder; only its name and committed values (function.json) are read here. */
export interface LocalInstance { name: string; settings: Record<string, unknown> }

/**
 * settings.json merged with settings.local.json; the local file wins. A non-empty secret value in
 * settings.json is an error. For a folder with instances, `instance` says whose values (its committed ones and
 * its section of settings.local.json).
 */
export function readLocalSettingValues(dir: string, instance?: LocalInstance): Record<string, unknown> {
  const committed = readSettingsFile(join(dir, COMMITTED_SETTINGS_FILE));
  const config = readFunctionConfig(dir);
  for (const [key, value] of Object.entries(committed)) {
    if (config.settings[key]?.secret && value !== undefined && value !== null && value !== '') {
      throw new FunctionConfigError(
        `${displayPath(join(dir, COMMITTED_SETTINGS_FILE))}: field "${key}": secret settings must not be committed; `
          + `put it in ${LOCAL_SETTINGS_FILE} (npx destfn secrets set <function> ${key}=…)`,
      );
    }
  }
  if (config.instances === undefined) return { ...committed, ...readSettingsFile(join(dir, LOCAL_SETTINGS_FILE)) };
  const name = requireInstance(dir, config, instance?.name);
  return { ...committed, ...instance?.settings, ...readLocalSections(dir, config)[name] };
}

/** Merges `values` into settings.local.json (or its `instance` section); the file is readable by the owner only. */
export function writeLocalSettingValues(dir: string, values: Record<string, unknown>, instance?: string): string {
  const file = join(dir, LOCAL_SETTINGS_FILE);
  const config = readFunctionConfig(dir);
  let merged: Record<string, unknown>;
  if (config.instances === undefined) {
    merged = { ...readSettingsFile(file), ...values };
  } else {
    const name = requireInstance(dir, config, instance);
    const sections = readLocalSections(dir, config);
    merged = { ...sections, [name]: { ...sections[name], ...values } };
  }
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // `mode` only applies when the file is created
  return file;
}

function requireInstance(dir: string, config: FunctionConfig, instance: string | undefined): string {
  const names = Object.keys(config.instances ?? {});
  if (instance === undefined || !names.includes(instance)) {
    const which = instance === undefined ? 'name one' : `it has no instance "${instance}"`;
    throw new FunctionConfigError(`${displayPath(dir)}: the function declares instances (${names.join(', ')}): ${which}`);
  }
  return instance;
}

/** settings.local.json of a folder with instances: an object of setting values per declared instance. */
function readLocalSections(dir: string, config: FunctionConfig): Record<string, Record<string, unknown>> {
  const file = join(dir, LOCAL_SETTINGS_FILE);
  const sections = readSettingsFile(file);
  const names = Object.keys(config.instances ?? {});
  for (const [key, section] of Object.entries(sections)) {
    if (!names.includes(key)) {
      throw new FunctionConfigError(
        `${displayPath(file)}: field "${key}": the function declares instances (${names.join(', ')}); `
          + `put each instance's values under its name, e.g. {"${names[0]}": {"apiKey": "…"}}`,
      );
    }
    if (!isPlainObject(section)) throw new FunctionConfigError(`${displayPath(file)}: field "${key}": expected an object of setting values`);
  }
  return sections as Record<string, Record<string, unknown>>;
}

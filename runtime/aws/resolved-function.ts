/**
 * The destination Lambda's function definition, read without zod.
 *
 * function.json is validated at `cdk synth` (parseFunctionConfig: a bad file fails the synth), and the
 * *resolved* config it gives (defaults applied, the default apiKey setting added) is staged next to the code as
 * function.resolved.json (lib/lambda-assets.ts). The Lambda trusts it: it only checks the shape, so that a
 * missing or damaged asset fails clearly, and never builds function.json's zod schemas at cold start.
 * The local engine and the CLI keep reading function.json through readFunctionDefinition.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FunctionConfigError } from '../api/errors';
import type { FunctionConfig } from '../function/config';
import type { FunctionDefinition } from '../function/definition';
import { readJsonFile } from '../settings/json-file';
import { COMMITTED_SETTINGS_FILE, readSettingsFile } from '../settings/file';
import { SETTING_TYPES } from '../settings/types';
import { displayPath, readFunctionSource } from '../source';

export const RESOLVED_FUNCTION_FILE = 'function.resolved.json';
/** Bumped when the file's layout changes; the layer and the function assets ship in the same deploy. */
const FORMAT = 1;

interface ResolvedFunction {
  format: typeof FORMAT;
  /** The function's name: its folder's, or `<folder>:<instance>`. */
  name: string;
  config: FunctionConfig;
  /** The code version computed at synth (runtime/function/version.ts), written into each delivery record. */
  version?: string;
}

/** At synth: the content of function.resolved.json for a definition read (and validated) from functions/<name>/. */
export function renderResolvedFunction(def: Pick<FunctionDefinition, 'name' | 'config' | 'version'>): string {
  const resolved: ResolvedFunction = { format: FORMAT, name: def.name, config: def.config, ...(def.version ? { version: def.version } : {}) };
  return `${JSON.stringify(resolved, null, 2)}\n`;
}

/** On Lambda: the definition from a staged function folder (function.resolved.json + prebuilt index.js). */
export function readResolvedFunction(dir: string): FunctionDefinition {
  const absDir = resolve(dir);
  const file = join(absDir, RESOLVED_FUNCTION_FILE);
  if (!existsSync(file)) {
    throw new FunctionConfigError(`${displayPath(file)}: missing; a function folder must be staged by \`cdk synth\` (lib/lambda-assets.ts)`);
  }
  const { name, config, version } = checkShape(readJsonFile(file), displayPath(file));
  return { name, dir: absDir, config, source: readFunctionSource(absDir), ...(version ? { version } : {}) };
}

/** settings.json as staged at synth (non-secret values, already checked against the config). */
export function readCommittedSettings(dir: string): Record<string, unknown> {
  return readSettingsFile(join(resolve(dir), COMMITTED_SETTINGS_FILE));
}

type Check = (value: unknown) => boolean;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString: Check = (v) => typeof v === 'string';
const isBoolean: Check = (v) => typeof v === 'boolean';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isStrings: Check = (v) => Array.isArray(v) && v.every(isString);
const optional = (check: Check): Check => (v) => v === undefined || check(v);
const oneOf = (...values: string[]): Check => (v) => values.includes(v as string);

const CONFIG_FIELDS: Record<keyof FunctionConfig, Check> = {
  description: isString,
  sources: optional(isStrings),
  filter: optional(isString),
  drop: isStrings,
  settings: (v) => isObject(v) && Object.values(v).every(isSettingSpec),
  timeoutSeconds: isNumber,
  maxConcurrency: isNumber,
  rateLimit: (v) => v === undefined || (isObject(v) && isNumber(v.perSecond) && optional(isNumber)(v.burst)),
  retry: (v) => isObject(v) && isNumber(v.attempts) && isNumber(v.windowHours),
  onUnknownError: oneOf('retry', 'discard'),
  deploy: isBoolean,
  instances: (v) => v === undefined, // synth stages each instance resolved, without the folder's list
};

function isSettingSpec(v: unknown): boolean {
  return isObject(v) && oneOf(...SETTING_TYPES)(v.type) && isBoolean(v.required) && isBoolean(v.secret);
}

/** What synth wrote is trusted: only the shape is checked, so a damaged file fails here and not mid-delivery. */
function checkShape(value: unknown, file: string): ResolvedFunction {
  const fail = (field: string) =>
    new FunctionConfigError(`${file}: field "${field}" is not as \`cdk synth\` writes it; redeploy the stack`);
  if (!isObject(value)) throw fail('(root)');
  if (value.format !== FORMAT) throw fail('format');
  if (!isString(value.name) || value.name === '') throw fail('name');
  if (!optional(isString)(value.version)) throw fail('version');
  const config = value.config;
  if (!isObject(config)) throw fail('config');
  for (const [field, check] of Object.entries(CONFIG_FIELDS)) {
    if (!check(config[field])) throw fail(`config.${field}`);
  }
  return value as unknown as ResolvedFunction;
}

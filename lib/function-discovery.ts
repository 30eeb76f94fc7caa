/**
 * The functions to deploy, discovered at synth from functions/<name>/.
 *
 * Only the committed, non-secret functions/<name>/settings.json is read: settings.local.json holds local
 * secrets and never reaches AWS. Secret settings live in each function's Secrets Manager secret.
 * A folder that declares instances gives one deployable function per instance (`<folder>:<instance>`), whose
 * committed values are settings.json then its `instances.<name>.settings` (runtime/function/instances.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionConfigError } from '../runtime/api/errors';
import { discoverFunctions, type FunctionDefinition } from '../runtime/function';
import { COMMITTED_SETTINGS_FILE, readSettingsFile, resolveSettings } from '../runtime/settings';
import { assertDistinctIds, pascalCase } from '../runtime/aws/contract';

export interface DeployableFunction {
  readonly definition: FunctionDefinition;
  /** PascalCase of the function name (`fn:eu` → FnEu); used for construct ids and output names. */
  readonly id: string;
  /** The committed non-secret setting values (settings.json as written, validated). */
  readonly settingValues: Record<string, unknown>;
  /** function.json as committed ('{}' when the folder has none), shipped next to the code. */
  readonly functionJson: string;
}

export interface ProjectFunctions {
  readonly deployable: DeployableFunction[];
  /** Functions marked `"deploy": false` in function.json: run by the local engine only, never synthesized. */
  readonly localOnly: FunctionDefinition[];
}

export function loadProjectFunctions(functionsDir: string): ProjectFunctions {
  if (!existsSync(functionsDir) || !statSync(functionsDir).isDirectory()) {
    throw new FunctionConfigError(`functions directory not found: ${functionsDir}`);
  }
  const definitions = discoverFunctions(functionsDir);
  assertDistinctIds('functions', definitions.map((def) => def.name));
  return {
    deployable: definitions.filter((def) => def.config.deploy).map(toDeployable),
    localOnly: definitions.filter((def) => !def.config.deploy),
  };
}

/** The functions of `functionsDir` that `cdk synth` deploys. */
export function loadDeployableFunctions(functionsDir: string): DeployableFunction[] {
  return loadProjectFunctions(functionsDir).deployable;
}

/** One function folder as synth ships it, whether or not it is marked local only. */
export function toDeployable(definition: FunctionDefinition): DeployableFunction {
  return {
    definition,
    id: pascalCase(definition.name),
    settingValues: readCommittedSettings(definition),
    functionJson: readFunctionJson(definition.dir),
  };
}

/** The setting values a deployed function runs with: committed settings.json, then function.json defaults. */
export function committedSettings(fn: DeployableFunction): Record<string, unknown> {
  return resolveSettings(fn.definition, fn.settingValues, { requireSecrets: false });
}

function readCommittedSettings(def: FunctionDefinition): Record<string, unknown> {
  const file = join(def.dir, COMMITTED_SETTINGS_FILE);
  const values = readSettingsFile(file);
  const shipped: Record<string, unknown> = {};
  // An instance's function.json values were checked for secrets when it was expanded.
  for (const [key, value] of Object.entries({ ...values, ...def.instance?.settings })) {
    if (!def.config.settings[key]?.secret) {
      shipped[key] = value;
    } else if (!isBlank(value)) {
      throw new FunctionConfigError(
        `function "${def.name}": setting "${key}" is secret and must not be in ${file}; ` +
          `set it with \`destfn secrets set ${def.name} ${key}=… --aws\``,
      );
    }
  }
  // Defaults, types and required non-secret settings; secrets are only known at run time on AWS.
  resolveSettings(def, shipped, { requireSecrets: false });
  return shipped;
}

/** An empty placeholder for a secret (as `destfn new` may write) carries no value. */
function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function readFunctionJson(dir: string): string {
  const file = join(dir, 'function.json');
  return existsSync(file) ? readFileSync(file, 'utf8') : '{}\n';
}

/**
 * The destination Lambda's function: definition and committed settings read once per cold start from
 * DESTFN_FUNCTION_DIR (function.resolved.json, staged at synth: no zod here), secret settings from the
 * function's secret (cached 5 min), instance created once and re-created only when the secret values change
 * (after `destfn secrets set --aws`).
 * A missing required secret makes instance() reject with FunctionConfigError: the caller retries the event.
 * A function without secret settings never reads its secret.
 */
import type { FunctionDefinition } from '../function/definition';
import { createFunctionInstance, type FunctionInstance } from '../function/instance';
import { resolveSettings } from '../settings/resolve';
import { readCommittedSettings, readResolvedFunction } from './resolved-function';
import { getSecretObject, type SecretReader } from './secrets';

export interface FunctionLoader {
  /** Throws FunctionConfigError when the folder cannot be loaded (a deploy problem). */
  definition(): FunctionDefinition;
  instance(): Promise<FunctionInstance>;
}

export interface FunctionLoaderOptions {
  dir: string;
  secretArn: string;
  readSecret?: SecretReader;
  onLoad?: (instance: FunctionInstance) => void;
}

export function createFunctionLoader(options: FunctionLoaderOptions): FunctionLoader {
  const readSecret = options.readSecret ?? getSecretObject;
  let loaded: { definition: FunctionDefinition; committed: Record<string, unknown>; hasSecrets: boolean } | undefined;
  let current: { secrets: Record<string, unknown>; instance: FunctionInstance; read: unknown } | undefined;

  function load() {
    if (!loaded) {
      const definition = readResolvedFunction(options.dir);
      // The Lambda's folder holds settings.json as deployed (checked at synth) and no settings.local.json.
      loaded = { definition, committed: readCommittedSettings(options.dir), hasSecrets: hasSecretSettings(definition) };
    }
    return loaded;
  }

  return {
    definition: () => load().definition,
    async instance() {
      const { definition, committed, hasSecrets } = load();
      // No secret setting (apiKey redefined as not secret, and no other): nothing to read from Secrets Manager.
      const read = hasSecrets ? await readSecret(options.secretArn) : null;
      // The same secret object as last time (secrets.ts keeps it while its text is unchanged): nothing to compare.
      if (current && read !== null && read === current.read) return current.instance;
      const secrets = read ? pickSecretSettings(definition, read) : {};
      // The committed values never change in a Lambda: only the secret ones can make a new instance.
      if (current && sameValues(current.secrets, secrets)) {
        current.read = read;
        return current.instance;
      }
      const instance = createFunctionInstance(definition, resolveSettings(definition, { ...committed, ...secrets }));
      const previous = current?.instance;
      current = { secrets, instance, read };
      // Events of this batch may still be running on the previous instance: free its timers once they are done.
      if (previous) setTimeout(() => previous.dispose(), (definition.config.timeoutSeconds + 1) * 1000).unref();
      options.onLoad?.(instance);
      return instance;
    },
  };
}

function hasSecretSettings(def: FunctionDefinition): boolean {
  return Object.values(def.config.settings).some((spec) => spec.secret);
}

/** Only settings declared secret are taken from the secret; anything else in it is ignored. */
function pickSecretSettings(def: FunctionDefinition, secret: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(def.config.settings)) {
    if (spec.secret && Object.hasOwn(secret, key)) picked[key] = secret[key];
  }
  return picked;
}

/** Same keys and same JSON values (compared without serializing every record's settings). */
function sameValues(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key], b[key]));
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Array and map settings: rare, and small.
  return typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

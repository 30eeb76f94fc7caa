/**
 * The destination Lambda's function: definition and committed settings read once per cold start from
 * DESTFN_FUNCTION_DIR, secret settings from the function's secret (cached 5 min), instance created once and
 * re-created only when the secret values change (after `destfn secrets set --aws`).
 * A missing required secret makes instance() reject with FunctionConfigError: the caller retries the event.
 */
import { readFunctionDefinition, type FunctionDefinition } from '../function-definition';
import { createFunctionInstance, type FunctionInstance } from '../function-instance';
import { readLocalSettingValues, resolveSettings } from '../settings';
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
  let loaded: { definition: FunctionDefinition; committed: Record<string, unknown> } | undefined;
  let current: { key: string; instance: FunctionInstance } | undefined;

  function load() {
    if (!loaded) {
      const definition = readFunctionDefinition(options.dir);
      // The Lambda's folder holds settings.json as deployed (checked at synth) and no settings.local.json.
      loaded = { definition, committed: readLocalSettingValues(options.dir) };
    }
    return loaded;
  }

  return {
    definition: () => load().definition,
    async instance() {
      const { definition, committed } = load();
      const secrets = pickSecretSettings(definition, await readSecret(options.secretArn));
      const values = { ...committed, ...secrets };
      const key = JSON.stringify(values);
      if (current?.key === key) return current.instance;
      const instance = createFunctionInstance(definition, resolveSettings(definition, values));
      const previous = current?.instance;
      current = { key, instance };
      // Events of this batch may still be running on the previous instance: free its timers once they are done.
      if (previous) setTimeout(() => previous.dispose(), (definition.config.timeoutSeconds + 1) * 1000).unref();
      options.onLoad?.(instance);
      return instance;
    },
  };
}

/** Only settings declared secret are taken from the secret; anything else in it is ignored. */
function pickSecretSettings(def: FunctionDefinition, secret: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(def.config.settings)) {
    if (spec.secret && Object.hasOwn(secret, key)) picked[key] = secret[key];
  }
  return picked;
}

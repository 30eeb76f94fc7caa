/** A function as the runtime runs it: a folder read (definition.ts), or one of its instances (instances.ts). */
import type { FunctionConfig } from './config';
import type { FunctionSource } from '../source/types';

export interface FunctionDefinition {
  /** The folder's name, or `<folder>:<instance>` for one instance of a folder that declares them (names.ts). */
  name: string;
  dir: string;
  /** For an instance: the folder's config with the instance's overrides, without `instances`. */
  config: FunctionConfig;
  source: FunctionSource;
  /** The instance this definition runs; absent when the folder declares no instances. */
  instance?: DefinitionInstance;
  /** Short hash of source, resolved config and committed settings (version.ts); absent when not read from a folder or an asset. */
  version?: string;
}

export interface DefinitionInstance {
  name: string;
  /** Its committed setting values from function.json (over the folder's settings.json). */
  settings: Record<string, unknown>;
}

/**
 * Instances: one function folder configured several times (function.json `instances`), like Segment's "connect
 * a function many times, each with its own settings". Each instance runs as its own function `<folder>:<instance>`:
 * its own sources, filter, drop, retry and committed settings (over the folder's), its own local secrets
 * (settings.local.json's section of that name) or Secrets Manager secret, queue, DLQ, records and logs.
 * A folder without `instances` is one function, as before.
 */
import { FunctionConfigError } from '../api/errors';
import type { FunctionConfig, InstanceConfig } from './config';
import type { FunctionDefinition } from './types';
import { instanceFunctionName } from './names';
import { compileFilter } from '../routing/filter';
import { displayPath } from '../source/display-path';

/** The folder's definitions: itself when it declares no instances, else one per instance (sorted by name). */
export function expandInstances(folder: FunctionDefinition): FunctionDefinition[] {
  const { instances, ...base } = folder.config;
  if (instances === undefined) return [folder];
  const file = `${displayPath(folder.dir)}/function.json`;
  const names = Object.keys(instances).sort();
  if (names.length === 0) {
    throw new FunctionConfigError(`${file}: field "instances": declare at least one instance, or omit "instances"`);
  }
  return names.map((instance) => {
    const name = instanceFunctionName(folder.name, instance);
    const own = instances[instance];
    checkNoCommittedSecret(file, folder.name, instance, base, own);
    const config: FunctionConfig = {
      ...base,
      description: own.description ?? base.description,
      sources: own.sources ?? base.sources,
      filter: own.filter ?? base.filter,
      drop: own.drop ?? base.drop,
      retry: own.retry ?? base.retry,
      deploy: own.deploy ?? base.deploy,
    };
    compileFilter(name, config.filter);
    return { name, dir: folder.dir, config, source: folder.source, instance: { name: instance, settings: { ...own.settings } } };
  });
}

function checkNoCommittedSecret(file: string, folder: string, instance: string, config: Omit<FunctionConfig, 'instances'>, own: InstanceConfig): void {
  for (const [key, value] of Object.entries(own.settings)) {
    if (config.settings[key]?.secret && value !== undefined && value !== null && value !== '') {
      throw new FunctionConfigError(
        `${file}: field "instances.${instance}.settings.${key}": secret settings must not be committed; `
          + `set it with \`destfn secrets set ${instanceFunctionName(folder, instance)} ${key}=…\``,
      );
    }
  }
}

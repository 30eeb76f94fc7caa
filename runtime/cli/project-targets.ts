/**
 * What `fn` stands for in this project's functions folder, for the --aws commands (the stack cannot say which
 * instances a folder has): a folder that declares instances is its deployed instances (`fn:eu`, `fn:us`);
 * anything else is taken as given (the stack says whether it exists).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { discoverFunctions, parseFunctionName, readFunctionFolder } from '../function';

export function projectTargetNames(target: string, functionsDir = 'functions'): string[] {
  const { folder, instance } = parseFunctionName(target);
  const dir = join(resolve(functionsDir), folder);
  if (instance !== null || !existsSync(dir)) return [target];
  const definitions = readFunctionFolder(dir);
  if (definitions.every((def) => def.instance === undefined)) return [target];
  const deployed = definitions.filter((def) => def.config.deploy).map((def) => def.name);
  if (deployed.length === 0) throw new Error(`function "${target}" deploys none of its instances ("deploy": false)`);
  return deployed;
}

/** Every function (and instance) of the project's functions folder that deploys: what `status --aws` shows without a name. */
export function deployedProjectFunctions(functionsDir = 'functions'): string[] {
  return discoverFunctions(resolve(functionsDir)).filter((def) => def.config.deploy).map((def) => def.name);
}

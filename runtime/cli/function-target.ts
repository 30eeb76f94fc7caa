/**
 * What a command's `<function>` argument names in the functions folder: `fn` is the folder (every instance of a
 * folder that declares them), `fn:eu` one instance (runtime/function/names.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseFunctionName, readFunctionFolder, type FunctionDefinition } from '../function';

export function readTargetDefinitions(functionsDir: string, target: string): FunctionDefinition[] {
  const { folder, instance } = parseFunctionName(target);
  const dir = join(functionsDir, folder);
  if (!existsSync(dir)) throw new Error(`function "${folder}" not found: no folder ${dir}`);
  const definitions = readFunctionFolder(dir);
  if (instance === null) return definitions;
  const found = definitions.find((def) => def.instance?.name === instance);
  if (!found) {
    const declared = definitions.flatMap((def) => (def.instance ? [def.name] : []));
    throw new Error(`function "${folder}" has no instance "${instance}" (${declared.length > 0 ? `instances: ${declared.join(', ')}` : 'it declares no instances'})`);
  }
  return [found];
}

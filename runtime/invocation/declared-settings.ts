/** `defineFunction({ settings })` must agree with function.json, the declaration destfn deploys from. */
import { FunctionConfigError } from '../api/errors';
import type { FunctionDefinition } from '../function/definition';

export function checkDeclaredSettings(def: FunctionDefinition, declared: Record<string, unknown> | undefined): void {
  if (!declared) return;
  for (const [key, declaration] of Object.entries(declared)) {
    const spec = def.config.settings[key];
    const where = `function "${def.name}": setting "${key}"`;
    if (!spec) throw new FunctionConfigError(`${where} is declared in defineFunction but not in function.json`);
    const type = typeof declaration === 'object' && declaration !== null ? (declaration as { type?: unknown }).type : undefined;
    if (type === undefined) {
      throw new FunctionConfigError(`${where} in defineFunction must be declared as in function.json, e.g. { type: "${spec.type}" }, not ${JSON.stringify(declaration) ?? String(declaration)}`);
    }
    if (type !== spec.type) {
      throw new FunctionConfigError(`${where} has type "${String(type)}" in defineFunction but "${spec.type}" in function.json`);
    }
  }
}

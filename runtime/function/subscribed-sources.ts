/**
 * A function's `sources` must name sources the project declares (destfn.config.json, or the default `dev`): a name
 * that is not one would leave the function with no events at all, silently. Checked by the local engine at start
 * and on every reload, and by `cdk synth`.
 */
import { FunctionConfigError } from '../api/errors';
import type { FunctionDefinition } from './definition';

export function assertKnownSources(def: FunctionDefinition, sourceNames: readonly string[]): void {
  const unknown = (def.config.sources ?? []).filter((name) => !sourceNames.includes(name));
  if (unknown.length === 0) return;
  const named = unknown.map((name) => JSON.stringify(name)).join(', ');
  throw new FunctionConfigError(
    `function "${def.name}": "sources" names ${named}, not ${unknown.length === 1 ? 'a source' : 'sources'} of this project `
    + `(its sources: ${sourceNames.join(', ')}; declare sources in destfn.config.json, which the local engine reads when it starts)`,
  );
}

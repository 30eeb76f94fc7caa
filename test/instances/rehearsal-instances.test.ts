/**
 * Instances and versions in the deploy rehearsal (test/rehearsal: the synthesized stack played on local servers
 * that enforce its IAM policies): one folder `regions` with instances `eu` (source web) and `us` (source hooks),
 * each its own Lambda, queue, secret and records. Each gets only its source's events, signs with only its own
 * secret (set with `destfn secrets set regions:eu --aws` as a Deployer), and its records are keyed by its name.
 * `destfn versions --aws` (Operators) lists the published versions; `destfn rollback --aws` (Deployers only) moves
 * `live` back after a later deploy published another one.
 */
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { functionResourceNames } from '../../runtime/aws/contract';
import { isPageItem, recordFromItem } from '../../runtime/aws/delivery-item';
import { readFunctionFolder } from '../../runtime/function';
import { startHttpSink, type HttpSink, type SinkRequest } from '../aws/support/http-sink';
import { startAwsPlane, type AwsPlane } from '../rehearsal/aws-plane';
import { deployStack, type DeployedStack } from '../rehearsal/deploy';
import { sourceWriteKeys } from '../rehearsal/deploy/source-keys';
import { destfnCli, policyPeople, type CliResult, type Credentials } from '../rehearsal/operator-cli';
import { synthesize, type CloudAssembly } from '../rehearsal/synth';

const REPO = resolve(__dirname, '..', '..');
const WEBHOOK = join(REPO, 'functions', 'webhook', 'index.js');

let workDir: string;
let projectDir: string;
let sink: HttpSink;
let plane: AwsPlane;
let assembly: CloudAssembly;
let stack: DeployedStack;
let writeKeys: Record<string, string> = {};

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'destfn-rehearsal-instances-'));
  projectDir = join(workDir, 'project');
  sink = await startHttpSink();
  const fnDir = join(projectDir, 'functions', 'regions');
  mkdirSync(fnDir, { recursive: true });
  writeFileSync(join(projectDir, 'destfn.config.json'), JSON.stringify({ sources: { web: {}, hooks: {} } }));
  copyFileSync(WEBHOOK, join(fnDir, 'index.js'));
  writeFileSync(join(fnDir, 'function.json'), JSON.stringify({
    settings: { url: { type: 'string', required: true }, headers: { type: 'map' }, sharedSecret: { type: 'string', secret: true } },
    instances: {
      eu: { sources: ['web'], settings: { headers: { 'x-function': 'regions:eu' } } },
      us: { sources: ['hooks'], settings: { headers: { 'x-function': 'regions:us' } } },
    },
  }));
  writeFileSync(join(fnDir, 'settings.json'), JSON.stringify({ url: `${sink.url}/ok` }));
  [assembly, plane] = await Promise.all([
    synthesize(projectDir, join(workDir, 'cdk.out'), { allowLoopbackSettings: 'true' }),
    startAwsPlane(),
  ]);
  stack = await deployStack(assembly, plane, join(workDir, 'lambda'));
  writeKeys = await sourceWriteKeys(plane, stack, ['Web', 'Hooks']);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await plane?.stop();
  await sink?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** `npx destfn <args>` as a user runs it, with one principal's credentials, against the plane. */
const destfn = (args: string[], credentials: Credentials): Promise<CliResult> => destfnCli(args, credentials, { plane, projectDir, home: workDir });

let people: ReturnType<typeof policyPeople> | undefined;
/** Credentials of a person whose only permissions are one of the stack's managed policies (Operators, Deployers). */
const person = (policy: 'Operators' | 'Deployers'): Credentials => (people ??= policyPeople(assembly, stack, 'instances'))(policy);

async function track(source: 'web' | 'hooks', messageId: string): Promise<void> {
  const res = await fetch(new URL('/v1/track', stack.api.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKeys[source]}:`).toString('base64')}` },
    body: JSON.stringify({ userId: 'u1', event: 'Order Completed', messageId }),
  });
  expect(res.status).toBe(200);
}

const deliveredTo = (fn: string): SinkRequest[] => sink.requests.filter((r) => r.headers['x-function'] === fn);
const idOf = (r: SinkRequest) => (JSON.parse(r.body) as { messageId: string }).messageId;

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${plane.denials().map((d) => `\n  AccessDenied: ${d.principal} may not ${d.action} on ${d.resource}`).join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A Lambda's key in the deployed stack: its nested stack "Function<Id>/…". */
const lambdaOf = (id: string) => stack.lambdas.get([...stack.lambdas.keys()].find((k) => k.startsWith(`Function${id}/`))!)!;

test('each instance gets only its source\'s events and signs with only its own secret; records are keyed by its name', async () => {
  const setEu = await destfn(['secrets', 'set', 'regions:eu', 'sharedSecret=eu-signing-key-1234', '--aws'], person('Deployers'));
  expect(setEu.stderr + setEu.stdout).toContain('set sharedSecret');
  expect(setEu.code).toBe(0);
  const setUs = await destfn(['secrets', 'set', 'regions:us', 'sharedSecret=us-signing-key-5678', '--aws'], person('Deployers'));
  expect(setUs.code).toBe(0);
  await Promise.all([lambdaOf('RegionsEu').stop(), lambdaOf('RegionsUs').stop()]); // a fresh environment reads the secret

  await track('web', 'ri-eu-1');
  await track('hooks', 'ri-us-1');
  await waitFor('both delivered', () => deliveredTo('regions:eu').length === 1 && deliveredTo('regions:us').length === 1);
  const [eu] = deliveredTo('regions:eu');
  const [us] = deliveredTo('regions:us');
  expect([idOf(eu), idOf(us)]).toEqual(['ri-eu-1', 'ri-us-1']);
  expect(eu.headers['x-signature']).toBe(createHmac('sha1', 'eu-signing-key-1234').update(eu.body).digest('hex'));
  expect(us.headers['x-signature']).toBe(createHmac('sha1', 'us-signing-key-5678').update(us.body).digest('hex'));

  const versions = Object.fromEntries(readFunctionFolder(join(projectDir, 'functions', 'regions')).map((d) => [d.name, d.version]));
  await waitFor('records written', async () => (await records()).length >= 2);
  const written = (await records()).map((r) => [r.pk, r.function, r.status, r.version]).sort();
  expect(written).toEqual([
    ['regions:eu#ri-eu-1', 'regions:eu', 'delivered', versions['regions:eu']],
    ['regions:us#ri-us-1', 'regions:us', 'delivered', versions['regions:us']],
  ]);
  plane.assertNoDenials();
}, 90_000);

test('versions (Operators) and rollback (Deployers) of an instance; the other instance keeps running its version', async () => {
  const lambdaEu = functionResourceNames(assembly.stackName, 'regions:eu').lambda;
  const lambdaUs = functionResourceNames(assembly.stackName, 'regions:us').lambda;
  // A later deploy that changed regions:eu: version 2 published and live.
  plane.lambda.publish(lambdaEu, 'destfn code 0123456789ab', 'later-code');
  plane.lambda.setAlias(lambdaEu, 'live', '2');

  const listed = await destfn(['versions', 'regions', '--aws', '--json'], person('Operators'));
  expect(listed.code).toBe(0);
  const byFunction = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { function: string; versions: Array<{ version: string; codeVersion: string; live: boolean }> });
  expect(byFunction.map((f) => [f.function, f.versions.map((v) => `${v.version}${v.live ? '*' : ''}`)])).toEqual([
    ['regions:eu', ['2*', '1']], ['regions:us', ['1*']],
  ]);

  const refused = await destfn(['rollback', 'regions:eu', '--aws'], person('Operators'));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/not authorized to perform: lambda:UpdateAlias/);
  plane.forgetDenials((d) => d.principal === 'instances-operators' && d.action === 'lambda:UpdateAlias');

  const rolled = await destfn(['rollback', 'regions:eu', '--aws'], person('Deployers'));
  expect(rolled.code).toBe(0);
  expect(rolled.stdout).toContain('rollback: "regions:eu" now runs version 1');
  expect(plane.lambda.aliasVersion(lambdaEu, 'live')).toBe('1');
  expect(plane.lambda.aliasVersion(lambdaUs, 'live')).toBe('1');
  plane.assertNoDenials();
}, 60_000);

async function records(): Promise<Array<Record<string, unknown>>> {
  const out = await plane.admin.dynamodb.send(new ScanCommand({ TableName: stack.outputs.TableName }));
  return (out.Items ?? []).map((item) => unmarshall(item)).filter((item) => !isPageItem(item))
    .map((item): Record<string, unknown> => ({ pk: item.pk, ...recordFromItem(item) }));
}

test('pause and resume --aws of a folder switch every deployed instance (Operators); status --aws with no name shows each function of the project', async () => {
  const paused = await destfn(['pause', 'regions', '--aws'], person('Operators'));
  expect(paused).toMatchObject({ code: 0, stderr: '' });
  expect(paused.stdout).toContain('the event source of "regions:eu" is disabling');
  expect(paused.stdout).toContain('the event source of "regions:us" is disabling');

  const all = await destfn(['status', '--aws'], person('Operators'));
  expect(all).toMatchObject({ code: 0, stderr: '' });
  expect(all.stdout).toMatch(/^regions:eu: PAUSED \(event source disabled by `destfn pause --aws`\)/);
  expect(all.stdout).toMatch(/\nregions:us: PAUSED \(event source disabled by `destfn pause --aws`\)/);

  const resumed = await destfn(['resume', 'regions', '--aws'], person('Operators'));
  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toContain('the event source of "regions:eu" is enabling');
  expect(resumed.stdout).toContain('the event source of "regions:us" is enabling');
  const json = JSON.parse((await destfn(['status', 'regions', '--aws', '--json'], person('Operators'))).stdout) as { functions: Array<{ fn: string; eventSources: Array<{ state: string }> }> };
  expect(json.functions.map((f) => [f.fn, f.eventSources.map((e) => e.state)])).toEqual([['regions:eu', ['Enabled']], ['regions:us', ['Enabled']]]);
  plane.assertNoDenials();
}, 60_000);

/**
 * `destfn versions|rollback <fn> --aws` against the rehearsal plane's Lambda control plane (IAM enforced): versions
 * listed newest first with their code version and the live one marked; rollback moves `live` (to the version
 * before, or --to V) with UpdateAlias, per instance for a folder that declares them; a principal without
 * lambda:UpdateAlias is refused.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { versionDescription } from '../../runtime/aws/live-alias';
import { functionResourceNames } from '../../runtime/aws/contract';
import * as rollbackCli from '../../runtime/cli/rollback';
import * as versionsCli from '../../runtime/cli/versions';
import { Authorizer } from '../rehearsal/aws-plane/authorizer';
import { LambdaControlService } from '../rehearsal/aws-plane/lambda-control';
import { PrincipalRegistry, type PlaneCredentials } from '../rehearsal/aws-plane/principals';
import { startPlaneServer } from '../rehearsal/aws-plane/server';
import { runCli } from '../local/helpers/cli';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const lambdaName = (fn: string) => functionResourceNames('Destfn', fn).lambda;
const FUNCTIONS = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionResourceNames('Destfn', '').lambda}*`;

let plane: Awaited<ReturnType<typeof startPlaneServer>>;
let lambda: LambdaControlService;
let authorizer: Authorizer;
let operators: PlaneCredentials;
let readers: PlaneCredentials;
let projectDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  plane = await startPlaneServer();
  lambda = new LambdaControlService(ACCOUNT, REGION);
  authorizer = new Authorizer(ACCOUNT, REGION);
  const principals = new PrincipalRegistry(ACCOUNT);
  const allow = (actions: string[]) => [{ name: 'lambda', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: [FUNCTIONS] }] } }];
  operators = principals.add({ name: 'Operators', arn: `arn:aws:iam::${ACCOUNT}:role/Operators`, policies: allow(['lambda:ListVersionsByFunction', 'lambda:GetAlias', 'lambda:UpdateAlias']) });
  readers = principals.add({ name: 'Readers', arn: `arn:aws:iam::${ACCOUNT}:role/Readers`, policies: allow(['lambda:ListVersionsByFunction', 'lambda:GetAlias']) });
  plane.route({ services: { lambda }, principals, authorizer, adminAccessKeyId: `AKIA${randomBytes(8).toString('hex')}` });

  const published = new Date('2026-11-20T10:00:00Z').getTime();
  for (const [fn, codes] of [['shop:eu', ['aaaaaaaaaaa1', 'aaaaaaaaaaa2', 'aaaaaaaaaaa3']], ['shop:us', ['bbbbbbbbbbb1', 'bbbbbbbbbbb2']]] as const) {
    codes.forEach((code, i) => lambda.publish(lambdaName(fn), versionDescription(code), `sha-${code}`, new Date(published + i * 86_400_000)));
    lambda.setAlias(lambdaName(fn), 'live', String(codes.length));
  }

  projectDir = mkdtempSync(join(tmpdir(), 'destfn-versions-'));
  mkdirSync(join(projectDir, 'shop'));
  writeFileSync(join(projectDir, 'shop', 'index.js'), 'async function onTrack() {}');
  writeFileSync(join(projectDir, 'shop', 'function.json'), JSON.stringify({ instances: { eu: {}, us: {}, lab: { deploy: false } } }));
});
afterAll(async () => {
  process.env = savedEnv;
  await plane.close();
  rmSync(projectDir, { recursive: true, force: true });
});

function as(credentials: PlaneCredentials): void {
  process.env = { ...savedEnv, ...credentials, AWS_ENDPOINT_URL: plane.endpoint, AWS_REGION: REGION, AWS_PROFILE: '', AWS_CONFIG_FILE: join(projectDir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(projectDir, 'none') };
  delete process.env.AWS_PROFILE;
}
const run = (main: (argv: string[]) => Promise<number>, argv: string[]) => runCli(main, [...argv, '--aws', '--dir', projectDir]);

test('versions lists each deployed instance\'s versions, newest first, with date, code version and the live one', async () => {
  as(operators);
  const one = await run(versionsCli.main, ['shop:eu']);
  expect(one.code).toBe(0);
  expect(one.stdout.split('\n')).toEqual([
    'version  published (UTC)      code',
    '3        2026-11-22 10:00:00  aaaaaaaaaaa3  live',
    '2        2026-11-21 10:00:00  aaaaaaaaaaa2',
    '1        2026-11-20 10:00:00  aaaaaaaaaaa1',
    '',
  ]);
  const both = await run(versionsCli.main, ['shop', '--json']);
  const lines = both.stdout.trim().split('\n').map((l) => JSON.parse(l) as { function: string; versions: { version: string; live: boolean }[] });
  expect(lines.map((l) => [l.function, l.versions.find((v) => v.live)?.version])).toEqual([['shop:eu', '3'], ['shop:us', '2']]);
});

test('rollback moves live to the version before, or to --to V, per instance; it says the next deploy makes the folder\'s code live', async () => {
  as(operators);
  const back = await run(rollbackCli.main, ['shop:eu']);
  expect(back.code).toBe(0);
  expect(back.stdout).toContain('rollback: "shop:eu" now runs version 2 (code aaaaaaaaaaa2, published 2026-11-21T10:00:00.000Z), was 3.');
  expect(back.stdout).toContain('The next `npx cdk deploy` that changes the function publishes the code in its folder');
  expect(lambda.aliasVersion(lambdaName('shop:eu'), 'live')).toBe('2');
  expect(lambda.aliasVersion(lambdaName('shop:us'), 'live')).toBe('2'); // the other instance untouched

  expect((await run(rollbackCli.main, ['shop', '--to', '1'])).code).toBe(0);
  expect([lambda.aliasVersion(lambdaName('shop:eu'), 'live'), lambda.aliasVersion(lambdaName('shop:us'), 'live')]).toEqual(['1', '1']);

  const first = await run(rollbackCli.main, ['shop:eu']);
  expect(first.code).toBe(1);
  expect(first.stderr).toContain('function "shop:eu" has no version before 1 to roll back to');
  const missing = await run(rollbackCli.main, ['shop:eu', '--to', '9']);
  expect(missing.stderr).toContain('function "shop:eu" has no version 9 (versions: 3, 2, 1)');
  expect((await run(rollbackCli.main, ['shop:eu', '--to', '3'])).code).toBe(0); // forward again, still no deploy
  expect(lambda.aliasVersion(lambdaName('shop:eu'), 'live')).toBe('3');
  expect(authorizer.decisions.filter((d) => !d.allowed)).toEqual([]);
});

test('a principal that may only read versions cannot move the alias', async () => {
  as(readers);
  expect((await run(versionsCli.main, ['shop:us'])).code).toBe(0);
  const refused = await run(rollbackCli.main, ['shop:us', '--to', '2']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/not authorized to perform: lambda:UpdateAlias/);
  expect(lambda.aliasVersion(lambdaName('shop:us'), 'live')).toBe('1');
});

test('without --aws both say where versions live', async () => {
  const local = await runCli(rollbackCli.main, ['shop']);
  expect(local.code).toBe(1);
  expect(local.stderr).toContain('add --aws');
});

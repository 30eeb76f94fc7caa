/** `destfn secrets set`: writes settings.local.json, refuses unknown names, never echoes a value. */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as runCommand from '../../runtime/cli/run';
import * as secretsCli from '../../runtime/cli/secrets';
import { readLocalSettingValues } from '../../runtime/settings/local';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';
import { runCli } from './helpers/cli';

let project: TempProject;
let dir: string;

beforeEach(() => {
  project = tempProject();
  dir = writeFunction(project.functionsDir, 'teams', {
    code: 'async function onTrack() {}',
    config: {
      settings: {
        webhookUrl: { type: 'string', required: true, secret: true },
        events: { type: 'array' },
        verbose: { type: 'boolean' },
        mapping: { type: 'map' },
      },
    },
  });
});
afterEach(() => project.cleanup());

const localFile = () => join(dir, 'settings.local.json');
const set = (...pairs: string[]) => runCli(secretsCli.main, ['set', 'teams', ...pairs, '--dir', project.functionsDir]);

test('writes the values in their types, merged with what is there, readable by the owner only, value never printed', async () => {
  writeFileSync(localFile(), JSON.stringify({ verbose: true }));
  const res = await set('webhookUrl=https://example.invalid/hook?sig=TOPSECRET', 'events=Order Completed, Signed Up', 'mapping={"a":"b"}');
  expect(res.code).toBe(0);
  expect(res.stdout).toContain('set webhookUrl (secret), events, mapping for "teams"');
  expect(res.stdout + res.stderr).not.toContain('TOPSECRET');
  expect(JSON.parse(readFileSync(localFile(), 'utf8'))).toEqual({
    verbose: true,
    webhookUrl: 'https://example.invalid/hook?sig=TOPSECRET',
    events: ['Order Completed', 'Signed Up'],
    mapping: { a: 'b' },
  });
  expect(statSync(localFile()).mode & 0o777).toBe(0o600);
  expect(readLocalSettingValues(dir)).toMatchObject({ webhookUrl: 'https://example.invalid/hook?sig=TOPSECRET' });

  expect((await set('verbose=false', 'events=["x"]')).code).toBe(0);
  expect(JSON.parse(readFileSync(localFile(), 'utf8'))).toMatchObject({ verbose: false, events: ['x'] });
});

test('refuses unknown setting names and ill-typed values, writing nothing, without echoing the value', async () => {
  const unknown = await set('webhookUrl=fine', 'apiKei=SHHH-123');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('function "teams" has no setting "apiKei"');
  expect(unknown.stderr).not.toContain('SHHH-123');
  expect(existsSync(localFile())).toBe(false);

  const badBool = await set('verbose=SHHH-yes');
  expect(badBool).toMatchObject({ code: 1, stderr: expect.stringContaining('setting "verbose" is a boolean') });
  expect(badBool.stderr).not.toContain('SHHH');
  expect((await set('mapping=[1]')).code).toBe(1);
  expect((await set('SHHH-no-equals-sign')).stderr).not.toContain('SHHH');
  expect(existsSync(localFile())).toBe(false);
});

test('a map whose values are not all strings is refused, as `destfn run` refuses it; nothing is written', async () => {
  const res = await set('mapping={"a":1}');
  expect(res).toMatchObject({ code: 1, stderr: expect.stringContaining('setting "mapping" is a map') });
  expect(existsSync(localFile())).toBe(false);
});

/** What `destfn secrets set` accepts, `destfn run` runs with: both check a value with the same code. */
test.each([
  'mapping={"a":1}', 'mapping={"a":{"b":"c"}}', 'mapping={"a":null}', 'mapping={"a":"b"}', 'mapping={}', 'mapping=[1]',
  'events=a,b', 'events=["a","b"]', 'events=["a",2]', 'events=', 'verbose=true', 'verbose=yes', 'webhookUrl=',
])('%s: accepted by secrets set only if run accepts it', async (pair) => {
  expect((await set('webhookUrl=https://example.invalid/hook')).code).toBe(0);
  const accepted = (await set(pair)).code === 0;
  const run = await runCli(runCommand.main, ['teams', '--event', 'track', '--dir', project.functionsDir]);
  if (accepted) expect(run).toMatchObject({ code: 0, stderr: '' });
  else expect(JSON.parse(readFileSync(localFile(), 'utf8'))).toEqual({ webhookUrl: 'https://example.invalid/hook' });
});

test('usage errors', async () => {
  expect((await runCli(secretsCli.main, ['get', 'teams', 'a=b'])).code).toBe(1);
  expect((await runCli(secretsCli.main, ['set', 'teams'])).code).toBe(1);
  expect((await runCli(secretsCli.main, ['set', 'nope', 'a=b', '--dir', project.functionsDir])).code).toBe(1);
});

/** `destfn dev` and the console: the banner's console URL (always with ?token=), --token, the warning off loopback. */
import { spawnDev, startDev, type DevProcess } from '../helpers/child';
import { tempProject, type TempProject } from '../helpers/functions';
import { waitFor } from '../helpers/engine';

let project: TempProject;
const children: DevProcess['proc'][] = [];

beforeAll(() => { project = tempProject('destfn-console-cli-'); });
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  project.cleanup();
});

test('on loopback the banner names the console URL with ?token=; --token fixes the token the page gets', async () => {
  const token = 'a-fixed-console-token-0123';
  const dev = await startDev(['--dir', project.functionsDir, '--data', project.dataDir, '--token', token]);
  children.push(dev.proc);
  expect(dev.output()).toMatch(new RegExp(`console +http://127\\.0\\.0\\.1:\\d+/\\?token=${token}\n`));
  expect((await fetch(`${dev.url}/`)).status).toBe(401);
  expect(await (await fetch(`${dev.url}/`, { headers: { 'x-destfn-token': token } })).text()).toContain(`content="${token}"`);
  const post = await fetch(`${dev.url}/api/dlq/discard`, { method: 'POST', headers: { 'x-destfn-token': token, 'content-type': 'application/json' }, body: '{"function":"none"}' });
  expect(await post.json()).toEqual({ discarded: 0 });
  dev.proc.kill('SIGTERM');
  await dev.exited;
});

test('off loopback: a warning line and the console URL with ?token=', async () => {
  const child = spawnDev(['--dir', project.functionsDir, '--data', `${project.dataDir}-open`, '--port', '0', '--host', '0.0.0.0'], { DESTFN_TOKEN: 'env-chosen-token-0123456789' });
  children.push(child.proc);
  await waitFor('banner', () => /console +http/.test(child.output()), 20_000);
  expect(child.output()).toMatch(/listening on 0\.0\.0\.0, not only loopback.*dev console needs its token/);
  expect(child.output()).toMatch(/console +http:\/\/0\.0\.0\.0:\d+\/\?token=env-chosen-token-0123456789\n/);
  child.proc.kill('SIGTERM');
  await child.exited;
});

test('a short --token is refused', async () => {
  const child = spawnDev(['--dir', project.functionsDir, '--data', project.dataDir, '--port', '0', '--token', 'short']);
  expect((await child.exited).code).toBe(1);
  expect(child.output()).toMatch(/--token must be at least 16 characters/);
});

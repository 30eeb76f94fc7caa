import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as destfnNew } from '../../runtime/cli/new';
import { startServer, type TestServer } from '../runtime/support/http-server';
import { destfn, ROOT, type CliResult } from './support';

/** `destfn new` in-process (fast), capturing what it prints. */
async function scaffold(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => { stderr += String(chunk); return true; });
  try {
    return { code: await destfnNew(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/**
 * `destfn new` for each template, then `destfn run` (the real CLI, child processes started together)
 * on each new folder. The scaffold points at the engine's sink (http://localhost:3000/_sink/<name>);
 * the runs rewrite only the origin of those URLs to a real server, so the generated path is checked too.
 */
describe('destfn new', () => {
  const TEMPLATES: Array<[string | null, string]> = [[null, 'my-hook'], ['google-cloud-function', 'my-gcf'], ['teams', 'my-teams']];
  let server: TestServer;
  let tmp: string;
  let dir: string;
  const created: Record<string, CliResult> = {};
  const runs: Record<string, CliResult> = {};

  beforeAll(async () => {
    server = await startServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); });
    tmp = mkdtempSync(join(tmpdir(), 'destfn-cli-new-'));
    dir = join(tmp, 'functions');
    for (const [template, name] of TEMPLATES) {
      created[name] = await scaffold([name, '--dir', dir, ...(template ? ['--template', template] : [])]);
    }
    const results = await Promise.all(TEMPLATES.map(([, name]) => {
      const override = join(tmp, `${name}-settings.json`);
      writeFileSync(override, readFileSync(join(dir, name, 'settings.json'), 'utf8').split('http://localhost:3000').join(server.url));
      return destfn(['run', name, '--event', 'track', '--dir', dir, '--settings', override, '--json']);
    }));
    TEMPLATES.forEach(([, name], i) => { runs[name] = results[i]; });
  }, 60_000);

  afterAll(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test.each(TEMPLATES)('template %s: scaffolds %s, which passes `destfn run --event track` at once', (_template, name) => {
    expect(created[name]).toMatchObject({ code: 0, stderr: '' });
    expect(created[name].stdout).toContain(`try it: npx destfn run ${name} --event track --dir ${dir}`);
    expect(readdirSync(join(dir, name)).sort()).toEqual(['function.json', 'index.js', 'settings.json']);
    expect(readFileSync(join(dir, name, 'settings.json'), 'utf8')).toContain(`"http://localhost:3000/_sink/${name}"`);

    expect({ code: runs[name].code, stderr: runs[name].stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(runs[name].stdout).status).toBe('delivered');
    expect(server.requests.map((r) => r.url)).toContain(`/_sink/${name}`);
  });

  test('the template files are the example functions\' own (one copy); local settings are never copied', () => {
    const example = join(ROOT, 'functions', 'webhook');
    expect(readFileSync(join(dir, 'my-hook', 'index.js'), 'utf8')).toBe(readFileSync(join(example, 'index.js'), 'utf8'));
    expect(readFileSync(join(dir, 'my-hook', 'function.json'), 'utf8')).toBe(readFileSync(join(example, 'function.json'), 'utf8'));
    expect(existsSync(join(dir, 'my-hook', 'settings.local.json'))).toBe(false);
  });

  test.each([
    [['my-hook'], /my-hook already exists; not overwriting it/],
    [['bad.name'], /function name "bad.name" may only use letters, digits/],
    [['other', '--template', 'nope'], /unknown template "nope" \(choose webhook, google-cloud-function, microsoft-teams\)/],
    [[], /^usage: destfn new/],
  ])('refuses %j (exit 1, nothing written)', async (args, message) => {
    const result = await scaffold([...args, '--dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(dir).sort()).toEqual(['my-gcf', 'my-hook', 'my-teams']);
  });
});

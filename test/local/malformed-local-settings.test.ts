/**
 * A malformed settings.local.json (it holds secrets) read by `destfn run`, `destfn dev` and `destfn secrets set`:
 * each fails naming the file and never prints a slice of its text. V8's JSON.parse messages quote the text around
 * the mistake (`Unexpected token 's', ..."apiKey": sk-live-ab"... is not valid JSON`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as devCli from '../../runtime/cli/dev';
import * as runCliCommand from '../../runtime/cli/run';
import * as secretsCli from '../../runtime/cli/secrets';
import { readLocalSettingValues } from '../../runtime/settings';
import { runCli } from './helpers/cli';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';

const SECRET = 'sk-live-4f9a8b7c6d5e3a2b';
/** Every 4-character piece of the secret: a message holding any of them quotes part of it. */
const PIECES = Array.from({ length: SECRET.length - 3 }, (_, i) => SECRET.slice(i, i + 4));
const leaked = (text: string) => PIECES.filter((piece) => text.includes(piece));

/** The mistakes people make by hand, each one a different V8 message (token with context before, after, around). */
const MALFORMED: Record<string, string> = {
  'unquoted value': `{"apiKey": ${SECRET}}`,
  'unquoted value, long prefix': `{"channel": "general", "verbose": false, "apiKey": ${SECRET}}`,
  'single quotes': `{"apiKey": '${SECRET}'}`,
  'trailing comma': `{"apiKey": "${SECRET}",}`,
  'missing comma': `{"apiKey": "${SECRET}" "channel": "x"}`,
  'bare text': SECRET,
  'truncated': `{"apiKey": "${SECRET}`,
};

// One function for every case: each writes its settings.local.json, and every command fails before writing anything.
let project: TempProject;
let dir: string;
beforeAll(() => {
  project = tempProject();
  const settings = { apiKey: { type: 'string', required: true, secret: true }, channel: { type: 'string' }, verbose: { type: 'boolean' } };
  dir = writeFunction(project.functionsDir, 'teams', { code: 'async function onTrack() {}', config: { settings } });
});
afterAll(() => project.cleanup());

describe.each(Object.entries(MALFORMED))('settings.local.json with %s', (_label, text) => {
  beforeEach(() => writeFileSync(join(dir, 'settings.local.json'), text));

  test('reading it (what run and dev do) names the file, quotes nothing', () => {
    let message = '';
    try {
      readLocalSettingValues(dir);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/settings\.local\.json: invalid JSON/);
    expect(leaked(message)).toEqual([]);
  });

  test('destfn run, destfn dev and destfn secrets set fail without printing any of it', async () => {
    const run = await runCli(runCliCommand.main, ['teams', '--event', 'track', '--dir', project.functionsDir]);
    const dev = await runCli(devCli.main, ['--dir', project.functionsDir, '--data', project.dataDir, '--port', '0', '--host', '127.0.0.1', '--quiet']);
    const set = await runCli(secretsCli.main, ['set', 'teams', 'channel=general', '--dir', project.functionsDir]);
    for (const result of [run, dev, set]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/settings\.local\.json/);
      expect(leaked(result.stdout + result.stderr)).toEqual([]);
    }
  });
});

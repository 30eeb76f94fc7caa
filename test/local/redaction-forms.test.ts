/**
 * Every transformed form of a secret (hex, base64 in all its shapes, URL-encoded, Buffer-printed, a prefix)
 * that a function logs, returns or throws is redacted on every path it takes locally: the captured logs,
 * the delivery record, the SQLite files as they are on disk, the dev page, the engine's terminal lines,
 * and `destfn run`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../runtime/local/engine';
import * as runCommand from '../../runtime/cli/run';
import { REDACTED } from '../../runtime/settings/redact';
import { LEAKY_FUNCTION, LEAKY_SECRET, LEAKY_SETTINGS, leaksIn } from '../runtime/support/secret-leaks';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { runCli } from './helpers/cli';

let project: TempProject;
let engine: Engine;
const printed: string[] = [];

beforeAll(async () => {
  project = tempProject('destfn-redaction-');
  writeFunction(project.functionsDir, 'leaky', { code: LEAKY_FUNCTION, config: { settings: LEAKY_SETTINGS, retry: { attempts: 2, windowHours: 1 } } });
  writeFileSync(join(project.functionsDir, 'leaky', 'settings.local.json'), JSON.stringify({ apiKey: LEAKY_SECRET }));
  engine = await testEngine(project, { quiet: false, print: (line) => printed.push(line) });
  const returned = await postJson(`${engine.url}/v1/track`, track('leak-return'), engine.writeKey);
  const thrown = await postJson(`${engine.url}/v1/track`, track('leak-throw', { properties: { mode: 'throw' } }), engine.writeKey);
  expect([returned.status, thrown.status]).toEqual([200, 200]);
  await waitFor('both settled', () => engine.records.get('leaky', 'leak-return')?.status === 'delivered'
    && engine.records.get('leaky', 'leak-throw')?.status === 'failed');
});
afterAll(async () => {
  await engine?.stop();
  project.cleanup();
});

test('the function really leaks every form (else the checks below prove nothing)', () => {
  const record = engine.records.get('leaky', 'leak-return')!;
  expect(record.result).toContain(REDACTED);
  const logs = engine.records.logs('leaky').flatMap((l) => l.lines).join('\n');
  for (const name of ['plain', 'hex', 'hexUpper', 'base64Unpadded', 'base64url', 'urlEncoded', 'bufferInspect', 'insideBase64At0', 'insideBase64At1', 'insideBase64At2', 'prefix9']) {
    expect(logs).toMatch(new RegExp(`^${name} .*\\[REDACTED\\]`, 'm'));
  }
  expect(logs).toContain(`<Buffer ${REDACTED}>`);
});

test('delivery records and logs hold no form of the secret', () => {
  const records = ['leak-return', 'leak-throw'].map((id) => engine.records.get('leaky', id));
  expect(leaksIn(JSON.stringify(records))).toEqual([]);
  expect(records[1]!.lastError?.message).toContain(REDACTED);
  expect(leaksIn(JSON.stringify(engine.records.logs('leaky')))).toEqual([]);
});

test('the SQLite files, read raw from disk, hold no form of the secret', () => {
  const files = readdirSync(project.dataDir).filter((f) => /\.(db|sqlite)(-wal|-shm)?$|-wal$/.test(f));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) expect({ file, leaks: leaksIn(readFileSync(join(project.dataDir, file)).toString('latin1')) }).toEqual({ file, leaks: [] });
});

test('the dev console API and the terminal lines hold no form of the secret', async () => {
  const page = (await Promise.all(['/api/deliveries', '/api/deliveries/leaky/leak-throw', '/api/deliveries/leaky/leak-return', '/api/functions']
    .map(async (path) => (await fetch(`${engine.url}${path}`, { headers: { 'x-destfn-token': engine.token } })).text()))).join('\n');
  expect(page).toContain('leak-throw');
  expect(leaksIn(page)).toEqual([]);
  expect(printed.join('\n')).toContain('leak-throw');
  expect(leaksIn(printed.join('\n'))).toEqual([]);
});

test('`destfn run` prints no form of the secret, returned or thrown', async () => {
  for (const event of [{ type: 'track', event: 'x', userId: 'u' }, { type: 'track', event: 'x', userId: 'u', properties: { mode: 'throw' } }]) {
    const file = join(project.root, 'event.json');
    writeFileSync(file, JSON.stringify(event));
    for (const format of [[], ['--json']]) {
      const out = await runCli(runCommand.main, ['leaky', '--event', file, '--dir', project.functionsDir, ...format]);
      expect(out.stdout).toContain(REDACTED);
      expect(leaksIn(out.stdout + out.stderr)).toEqual([]);
    }
  }
});

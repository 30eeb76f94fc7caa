/** A function that sends its secret setting to the dev sink: the sink's terminal line, its JSON and the dev page show it redacted. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../runtime/local/engine';
import { REDACTED } from '../../runtime/settings/redact';
import { postJson, testEngine, track, waitFor } from './helpers/engine';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';

const SECRET = 'sk_live_Sink7Qw3/Lp9+Xv2';
const FORMS = { plain: SECRET, base64: Buffer.from(SECRET).toString('base64'), base64url: Buffer.from(SECRET).toString('base64url') };

const SENDER = `
async function onTrack(event, settings) {
  var b = Buffer.from(settings.apiKey);
  var body = JSON.stringify({ plain: settings.apiKey, base64: b.toString('base64'), base64url: b.toString('base64url'), note: 'hello sink' });
  var res = await fetch(event.properties.sinkUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body });
  return res.status;
}
`;

let project: TempProject;
let engine: Engine;
const printed: string[] = [];

beforeAll(async () => {
  project = tempProject('destfn-sink-redaction-');
  writeFunction(project.functionsDir, 'sender', { code: SENDER, config: { settings: { apiKey: { type: 'string', secret: true, required: true } } } });
  writeFileSync(join(project.functionsDir, 'sender', 'settings.local.json'), JSON.stringify({ apiKey: SECRET }));
  engine = await testEngine(project, { quiet: false, print: (line) => printed.push(line) });
  const sent = await postJson(`${engine.url}/v1/track`, track('to-sink', { properties: { sinkUrl: `${engine.url}/_sink/out` } }), engine.writeKey);
  expect(sent.status).toBe(200);
  await waitFor('delivered to the sink', () => engine.records.get('sender', 'to-sink')?.status === 'delivered');
});
afterAll(async () => {
  await engine?.stop();
  project.cleanup();
});

const leaks = (text: string) => Object.entries(FORMS).filter(([, form]) => text.includes(form) || text.includes(form.slice(0, 10))).map(([name]) => name);

test('the sink got the request, with the secret in every form redacted', () => {
  const [hit] = engine.sink.recent('out');
  expect(hit.body).toContain('hello sink');
  expect(JSON.parse(hit.body)).toEqual({ plain: REDACTED, base64: REDACTED, base64url: REDACTED, note: 'hello sink' });
});

test('the terminal line holds no form of the secret', () => {
  const sinkLines = printed.filter((line) => line.includes('sink out'));
  expect(sinkLines).toHaveLength(1);
  expect(sinkLines[0]).toContain(REDACTED);
  expect(leaks(printed.join('\n'))).toEqual([]);
});

test('the dev console (GET /api/sink) and GET /_sink hold no form of the secret', async () => {
  const page = await (await fetch(`${engine.url}/api/sink`, { headers: { 'x-destfn-token': engine.token } })).text();
  expect(page).toContain('hello sink');
  expect(leaks(page)).toEqual([]);
  const json = await (await fetch(`${engine.url}/_sink`)).text();
  expect(json).toContain('hello sink');
  expect(leaks(json)).toEqual([]);
});

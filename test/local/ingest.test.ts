/** The local ingest API: refusals, webhook signatures, 200 only after commit, the dev endpoints. */
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../runtime/local/engine';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';
import { postJson, storedCounts, testEngine, track } from './helpers/engine';
import { runCli } from './helpers/cli';
import * as rejectedCli from '../../runtime/cli/rejected';

const FIXTURES = join(__dirname, '..', 'fixtures', 'events'); // Segment-spec samples (test/fixtures/events/README.md)
const badInputs = JSON.parse(readFileSync(join(FIXTURES, 'bad-inputs.json'), 'utf8')) as { why: string; body: unknown }[];

const WRITE_KEY = 'dev-key-123';
const SHARED_SECRET = 'hook-secret-456';

let project: TempProject;
let engine: Engine;

beforeAll(async () => {
  project = tempProject();
  writeFileSync(join(project.root, 'destfn.config.json'), JSON.stringify({ sources: { dev: {}, hooks: {}, plain: {} } }));
  mkdirSync(project.dataDir, { recursive: true });
  writeFileSync(join(project.dataDir, 'sources.json'), JSON.stringify({
    dev: { writeKey: WRITE_KEY, sharedSecret: null },
    hooks: { writeKey: 'hooks-key', sharedSecret: SHARED_SECRET },
    plain: { writeKey: 'plain-key', sharedSecret: null },
  }));
  // Never delivers (no worker needed): holds what is queued so the test can look at the queue.
  writeFunction(project.functionsDir, 'hold', {
    code: 'async function onTrack() { return 1 }',
    config: { sources: ['dev', 'hooks', 'plain'], filter: 'type = "track"' },
  });
  engine = await testEngine(project, { prewarm: false });
  // Park the function's dispatcher so queued rows stay observable.
  jest.spyOn(engine.queue, 'lease').mockReturnValue({ leased: [], duplicates: [] });
});
afterAll(async () => {
  await engine.stop();
  project.cleanup();
});

describe('every bad input of the fixtures', () => {
  test.each(badInputs.map((b) => [b.why, b.body]))('%s → 4xx JSON error (or, in a batch, rejected alone), nothing queued', async (_why, body) => {
    const before = storedCounts(engine);
    // Bare events go to the webhook endpoint as they are, and in a batch (the single-event routes take the
    // type from the path), where they are rejected alone; raw strings and {batch} bodies are sent as they are.
    const raw = typeof body === 'string';
    const isBatch = !raw && typeof body === 'object' && body !== null && 'batch' in body;
    const sends: [string, unknown, string][] = raw
      ? [['/v1/track', body, WRITE_KEY], ['/v1/batch', body, WRITE_KEY], ['/webhook/plain', body, 'plain-key']]
      : isBatch
        ? [['/v1/batch', body, WRITE_KEY], ['/v1/import', body, WRITE_KEY]]
        : [['/webhook/plain', body, 'plain-key']];
    for (const [path, payload, key] of sends) {
      const res = await postJson(`${engine.url}${path}`, payload, key);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.json).toEqual(expect.objectContaining({ success: false, error: expect.any(String) }));
    }
    if (!raw && !isBatch) {
      const res = await postJson(`${engine.url}/v1/batch`, { batch: [body] }, WRITE_KEY);
      expect(res).toEqual({ status: 200, json: { success: true, rejected: [{ index: 0, error: expect.stringMatching(/^batch\[0\]: /) }] } });
    }
    expect(storedCounts(engine)).toEqual(before);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  test('a batch with one invalid event: the valid ones are committed, the invalid one rejected (200 naming it) and recorded', async () => {
    const before = storedCounts(engine).messages;
    const notices: string[] = [];
    const onNotice = (text: string) => notices.push(text);
    engine.events.on('notice', onNotice);
    const invalid = { type: 'track', userId: 'u', messageId: 'bad-3', writeKey: WRITE_KEY };
    const res = await postJson(`${engine.url}/v1/batch`, { batch: [track('ok-1'), track('ok-2'), invalid] }, WRITE_KEY);
    engine.events.off('notice', onNotice);
    expect(res).toEqual({ status: 200, json: { success: true, rejected: [{ index: 2, error: 'batch[2]: "event" is required for a track event' }] } });
    expect(storedCounts(engine).messages).toBe(before + 2);
    expect(engine.rejected.recent(1)).toEqual([{
      id: expect.any(Number), at: expect.any(String), source: 'dev', index: 2, error: 'batch[2]: "event" is required for a track event',
      snippet: '{"type":"track","userId":"u","messageId":"bad-3","writeKey":"[REDACTED]"}',
    }]);
    expect(notices).toEqual([expect.stringMatching(/^rejected an event from source "dev": batch\[2\]: "event" is required .*bad-3/)]);
    const page = await (await fetch(`${engine.url}/api/rejected`, { headers: { 'x-destfn-token': engine.token } })).text();
    expect(page).toContain('batch[2]: \\"event\\" is required');
    expect(page).not.toContain(WRITE_KEY);

    const cli = await runCli(rejectedCli.main, ['--data', project.dataDir, '--limit', '1']);
    expect(cli).toEqual({ code: 0, stderr: '', stdout: expect.stringMatching(/^\S+Z {2}dev {2}batch\[2\]: "event" is required for a track event\n {4}\{"type":"track".*"writeKey":"\[REDACTED\]"\}\n$/) });
    const json = await runCli(rejectedCli.main, ['--data', project.dataDir, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'dev', index: 2 })]));
  });

  test('a request of one invalid event: refused (400 naming the reason) and recorded like a rejected batch entry', async () => {
    const before = storedCounts(engine);
    const notices: string[] = [];
    const onNotice = (text: string) => notices.push(text);
    engine.events.on('notice', onNotice);
    const res = await postJson(`${engine.url}/v1/track`, { userId: 'u', messageId: 'bad-alone', writeKey: WRITE_KEY }, WRITE_KEY);
    engine.events.off('notice', onNotice);
    expect(res).toEqual({ status: 400, json: { success: false, error: '"event" is required for a track event' } });
    expect(storedCounts(engine)).toEqual(before);
    expect(engine.rejected.recent(1)).toEqual([{
      id: expect.any(Number), at: expect.any(String), source: 'dev', index: 0, error: '"event" is required for a track event',
      snippet: '{"userId":"u","messageId":"bad-alone","writeKey":"[REDACTED]","type":"track"}',
    }]);
    expect(notices).toEqual([expect.stringMatching(/^rejected an event from source "dev": "event" is required .*bad-alone/)]);
    const cli = await runCli(rejectedCli.main, ['--data', project.dataDir, '--limit', '1']);
    expect(cli.stdout).toMatch(/^\S+Z {2}dev {2}"event" is required for a track event\n {4}\{"userId":"u","messageId":"bad-alone".*\n$/);
    expect(cli.stdout).not.toContain(WRITE_KEY);

    // A request refused before its event was read (here: a wrong write key) is not recorded.
    const wrongKey = await postJson(`${engine.url}/v1/track`, { userId: 'u', messageId: 'bad-key' }, 'wk_wrong');
    expect(wrongKey.status).toBe(401);
    expect(engine.rejected.recent(1)[0].snippet).toContain('bad-alone');
  });

  test('the engine still serves after all of them', async () => {
    const res = await postJson(`${engine.url}/v1/track`, track('after-bad-1'), WRITE_KEY);
    expect(res).toEqual({ status: 200, json: { success: true } });
  });
});

test('200 only once the events are committed for each subscribed function; a filtered function gets a record', async () => {
  const batch = { batch: [track('c-1'), track('c-2'), { type: 'identify', messageId: 'c-3', userId: 'u' }] };
  const res = await postJson(`${engine.url}/v1/batch`, batch, WRITE_KEY);
  expect(res).toEqual({ status: 200, json: { success: true } });
  // Committed by the time the answer arrived.
  expect(engine.queue.depths().hold.queued).toBeGreaterThanOrEqual(2);
  expect(engine.records.get('hold', 'c-3')).toMatchObject({ status: 'filtered', eventType: 'identify' });
});

test('a gzip body (Content-Encoding: gzip) over real HTTP is committed like a plain one', async () => {
  const before = engine.queue.depths().hold.queued;
  const res = await fetch(`${engine.url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
    body: gzipSync(JSON.stringify({ batch: [track('gz-1'), track('gz-2')] })),
  });
  expect(res.status).toBe(200);
  expect(engine.queue.depths().hold.queued).toBe(before + 2);
});

test('writeKey in the body works; a wrong or missing key is 401', async () => {
  expect((await postJson(`${engine.url}/v1/track`, { ...track('wk-1'), writeKey: WRITE_KEY }, null)).status).toBe(200);
  expect((await postJson(`${engine.url}/v1/track`, track('wk-2'), 'nope')).status).toBe(401);
  expect((await postJson(`${engine.url}/v1/track`, track('wk-3'), null)).status).toBe(401);
});

describe('POST /webhook/<source>', () => {
  const sign = (body: string, secret = SHARED_SECRET) => createHmac('sha1', secret).update(body).digest('hex');

  test('a good signature is accepted (one event or an array)', async () => {
    const one = JSON.stringify(track('wh-1'));
    expect(await postJson(`${engine.url}/webhook/hooks`, one, null, { 'x-signature': sign(one) })).toEqual({ status: 200, json: { success: true } });
    const many = JSON.stringify([track('wh-2'), track('wh-3')]);
    expect((await postJson(`${engine.url}/webhook/hooks`, many, null, { 'x-signature': sign(many) })).status).toBe(200);
    expect(engine.queue.depths().hold.queued).toBeGreaterThanOrEqual(3);
  });

  test('a bad or missing signature is refused with 401 and nothing is queued', async () => {
    const before = storedCounts(engine);
    const body = JSON.stringify(track('wh-bad'));
    const variants: Record<string, string>[] = [{}, { 'x-signature': sign(body, 'other-secret') }, { 'x-signature': 'zz' }, { 'x-signature': sign(`${body} `) }];
    for (const headers of variants) {
      const res = await postJson(`${engine.url}/webhook/hooks`, body, WRITE_KEY, headers);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ success: false });
    }
    expect(storedCounts(engine)).toEqual(before);
  });

  test('a source without a shared secret takes its write key; an unknown source is 404', async () => {
    expect((await postJson(`${engine.url}/webhook/plain`, track('wh-p1'), 'plain-key')).status).toBe(200);
    expect((await postJson(`${engine.url}/webhook/plain`, track('wh-p2'), WRITE_KEY)).status).toBe(401);
    expect((await postJson(`${engine.url}/webhook/nope`, track('wh-p3'), WRITE_KEY)).status).toBe(404);
  });
});

test('a body over the cap is answered 413 without reading it all', async () => {
  const huge = JSON.stringify({ batch: [track('big', { properties: { blob: 'x'.repeat(700_000) } })] });
  const res = await postJson(`${engine.url}/v1/batch`, huge, WRITE_KEY);
  expect(res.status).toBe(413);
  expect(res.json).toMatchObject({ success: false });
});

test('a queue that cannot take the events answers 503 with a JSON error', async () => {
  const spy = jest.spyOn(engine.queue, 'insertMessages').mockImplementation(() => {
    throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
  });
  try {
    const res = await postJson(`${engine.url}/v1/track`, track('busy-1'), WRITE_KEY);
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ success: false, error: expect.stringContaining('SQLITE_BUSY') });
  } finally {
    spy.mockRestore();
  }
  expect(engine.records.get('hold', 'busy-1')).toBeNull();
});

test('dev endpoints: sink, health, dev page, CORS preflight', async () => {
  const sink = await fetch(`${engine.url}/_sink/demo`, { method: 'POST', body: '{"hello":"sink"}', headers: { 'content-type': 'application/json' } });
  expect(sink.status).toBe(200);
  expect(await sink.json()).toEqual({ ok: true });
  expect(engine.sink.recent('demo')[0]).toMatchObject({ name: 'demo', body: '{"hello":"sink"}' });

  expect(await (await fetch(`${engine.url}/health`)).json()).toEqual({ ok: true, functions: ['hold'] });

  // The dev console needs its token (also on loopback); the ingest and dev endpoints above do not.
  expect((await fetch(`${engine.url}/`)).status).toBe(401);
  const auth = { headers: { 'x-destfn-token': engine.token } };
  const page = await fetch(`${engine.url}/`, auth);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toContain('destfn console');
  expect(await (await fetch(`${engine.url}/api/functions`, auth)).text()).toContain('"name":"hold"');
  expect(await (await fetch(`${engine.url}/api/deliveries?function=hold&status=filtered`, auth)).text()).toContain('c-3'); // the filtered record

  const preflight = await fetch(`${engine.url}/v1/batch`, { method: 'OPTIONS' });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
});

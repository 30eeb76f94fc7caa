/**
 * ≥ 5,000 generated malformed requests (seeded, deterministic): truncated JSON, wrong types, huge
 * strings, deep nesting, invalid UTF-8, wrong content types, missing or garbage auth, raw garbage
 * HTTP. Every answer is a 4xx, or, for a well-formed batch holding invalid events, a 200 naming them (the
 * valid ones are accepted, as Segment does); the engine never crashes, and no invalid event is stored.
 */
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Engine } from '../../runtime/local/engine';
import { dbPath } from '../../runtime/local/db';
import { tempProject, writeFunction, type TempProject } from './helpers/functions';
import { basicAuth, postJson, testEngine } from './helpers/engine';

const FIXTURES = join(__dirname, '..', 'fixtures', 'events'); // Segment-spec samples (test/fixtures/events/README.md)
const TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'];
const valid = TYPES.map((t) => JSON.parse(readFileSync(join(FIXTURES, `${t}.json`), 'utf8')) as Record<string, unknown>);
const badInputs = JSON.parse(readFileSync(join(FIXTURES, 'bad-inputs.json'), 'utf8')) as { body: unknown }[];

const REQUESTS = 5000;
const RAW_SOCKET_REQUESTS = 60;
const CONCURRENCY = 16;

/** mulberry32 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Req { method: string; path: string; headers: Record<string, string>; body: Buffer; what: string }

function generator(writeKey: string) {
  const rnd = prng(0xdE57F);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const int = (n: number) => Math.floor(rnd() * n);
  const event = () => structuredClone(pick(valid));
  const wrongValue = () => pick<unknown>([42, -1.5, true, false, null, [], [1, 'a'], {}, { nested: { x: 1 } }, '', 'x'.repeat(int(200))]);
  const auth = { authorization: basicAuth(writeKey) };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const req = (what: string, body: Buffer, headers: Record<string, string> = {}, path = '/v1/batch', method = 'POST'): Req =>
    ({ method, path, headers: { 'content-type': 'application/json', ...auth, ...headers }, body, what });

  /** An event made invalid for sure: each of these breaks a rule of the spec. */
  const brokenEvent = (): Record<string, unknown> => {
    const e = event();
    switch (int(9)) {
      case 0: e.type = pick([wrongValue(), 'purchase', 'TRACK', '']); break;
      case 1: e.userId = pick([{ id: 1 }, [], true]); break;
      case 2: delete e.userId; delete e.anonymousId; break;
      case 3: e.type = 'track'; e.event = pick([42, null, {}, [], true]); break;
      case 4: e.properties = pick(['oops', 42, [1, 2], true]); e.type = 'track'; e.event = 'X'; break;
      case 5: e.timestamp = pick(['yesterday-ish', '2026-13-45T99:99:99Z', 12, {}]); break;
      case 6: e.messageId = pick(['m'.repeat(101 + int(500)), 42, {}, []]); break;
      case 7: e.context = pick(['ctx', 42, [1], true]); break;
      default: e.traits = pick(['t', 42, [1], true]); e.type = pick(['identify', 'group']); break;
    }
    return e;
  };

  let validSeq = 0;
  const deep = (depth: number, open: string, close: string, inner = '1') => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

  const kinds: (() => Req)[] = [
    // Truncated JSON of valid bodies.
    () => {
      const text = JSON.stringify({ batch: [event(), event()] });
      return req('truncated', Buffer.from(text.slice(0, 1 + int(text.length - 2))));
    },
    () => {
      const text = JSON.stringify(event());
      return req('truncated single', Buffer.from(text.slice(0, 1 + int(text.length - 2))), {}, `/v1/${pick(TYPES)}`);
    },
    // Wrong types / missing required fields, in a batch of otherwise valid events (accepted, with ids of their own).
    () => {
      const batch: Record<string, unknown>[] = [event(), event(), event()].map((e) => ({ ...e, messageId: `valid-${++validSeq}` }));
      const at = int(batch.length + 1);
      batch.splice(at, 0, brokenEvent());
      return req('wrong types in batch', json({ batch }));
    },
    () => req('wrong types on webhook', json(brokenEvent()), { authorization: basicAuth(writeKey) }, '/webhook/dev'),
    () => req('batch not an array', json({ batch: pick([{}, 'x', 42, null, true]) })),
    () => req('not an object', json(pick([[], 42, 'str', null, true, [event()]]))),
    // Huge strings.
    () => {
      const e = event();
      (e as { properties: Record<string, unknown> }).properties = { blob: 'x'.repeat(33_000 + int(100_000)) };
      return req('event over 32 KB', json({ batch: [e] }));
    },
    () => req('body over 500 KB', json({ batch: Array.from({ length: 30 }, () => ({ ...event(), properties: { blob: 'y'.repeat(20_000) } })) })),
    () => req('over 2,500 events', json({ batch: Array.from({ length: 2501 }, () => ({ type: 'track', userId: 'u', event: 'E' })) })),
    () => req('huge key', json({ batch: [{ ...event(), ['k'.repeat(40_000)]: 1 }] })),
    // Deep nesting.
    () => req('deep arrays', Buffer.from(`{"batch":${deep(20_000 + int(30_000), '[', ']')}}`)),
    () => req('deep objects in properties', Buffer.from(`{"batch":[{"type":"track","userId":"u","event":"E","properties":${deep(5_000 + int(5000), '{"a":', '}')}}]}`)),
    () => req('deep nesting, truncated', Buffer.from(deep(3000, '[', '').slice(0, 2000 + int(1000)))),
    // Invalid UTF-8 and control bytes.
    () => {
      const text = Buffer.from(JSON.stringify({ batch: [event()] }));
      const bad = Buffer.from(pick([[0xff, 0xfe], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0x00], [0xf8, 0x88, 0x80, 0x80, 0x80]]));
      const at = 1 + int(text.length - 2);
      return req('invalid utf-8', Buffer.concat([text.subarray(0, at), bad, text.subarray(at)]));
    },
    () => req('utf-16 body', Buffer.from(JSON.stringify(brokenEvent()), 'utf16le'), { 'content-type': 'application/json; charset=utf-16' }),
    // Wrong content types (with an invalid body, so that a lenient parser still refuses).
    () => req('wrong content type', json({ batch: [brokenEvent()] }), { 'content-type': pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'image/png']) }),
    () => req('form body', Buffer.from('type=track&userId=u1&event=X'), { 'content-type': 'application/x-www-form-urlencoded' }),
    () => req('gzip claimed', Buffer.from('not gzip at all'), { 'content-encoding': pick(['gzip', 'br', 'deflate', 'zstd']) }),
    // Missing or garbage auth (valid bodies: only the auth is wrong).
    () => req('missing auth', json({ batch: [event()] }), { authorization: '' }),
    () => req('garbage basic', json({ batch: [event()] }), { authorization: `Basic ${pick(['!!!', '', 'Og==', Buffer.from('wrong:').toString('base64'), 'x'.repeat(int(3000))])}` }),
    () => req('other scheme', json({ batch: [event()] }), { authorization: pick(['Bearer abc', 'Digest x', 'basic', '\u00ff\u00fe']) }),
    () => req('wrong writeKey in body', json({ writeKey: pick(['nope', 42, {}, '']), batch: [event()] }), { authorization: '' }),
    () => req('webhook without auth', json(event()), { authorization: '' }, '/webhook/dev'),
    // Wrong routes and methods.
    () => req('unknown route', json(event()), {}, pick(['/v1/purchase', '/v2/batch', '/webhook/', '/webhook/no-such-source', '/v1/batch/extra', '/%zz', '/v1/../v1/batch'])),
    () => req('wrong method', Buffer.alloc(0), {}, pick(['/v1/batch', '/v1/track', '/webhook/dev']), pick(['GET', 'PUT', 'DELETE', 'PATCH'])),
    // The fixtures' bad inputs, as sent or mutated.
    () => {
      const bad = pick(badInputs).body;
      const text = typeof bad === 'string' ? bad : JSON.stringify(typeof bad === 'object' && bad && 'batch' in bad ? bad : { batch: [bad] });
      return req('fixture', Buffer.from(rnd() < 0.5 ? text : text.slice(0, int(text.length))));
    },
  ];
  // The kinds that build and send large bodies are drawn less often: all kinds stay well covered
  // and the test stays fast on a busy 2-core machine.
  const heavy = new Set([6, 7, 8, 9, 10, 11]);
  const weighted = kinds.flatMap((k, i) => (heavy.has(i) ? [k] : [k, k, k, k]));
  const next = () => {
    const build = pick(weighted);
    const r = build();
    if (r.headers.authorization === '') delete r.headers.authorization;
    return r;
  };
  return Object.assign(next, { kinds: kinds.length });
}

function send(agent: http.Agent, port: number, r: Req): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve) => {
    const request = http.request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers: { ...r.headers, 'content-length': String(r.body.length) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let json: unknown = null;
        try { json = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* reported below */ }
        resolve({ status: res.statusCode ?? 0, json });
      });
      res.on('error', () => resolve({ status: -1, json: null }));
    });
    // The server may cut an oversized upload after answering 413: the answer is what counts.
    request.on('error', () => resolve({ status: -1, json: null }));
    request.end(r.body);
  });
}

function rawSocket(port: number, payload: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', () => undefined);
    socket.end(payload);
  });
}

let project: TempProject;
let engine: Engine;

/** The messageIds of everything stored: queued, dead-lettered or recorded (delivered, discarded…). */
function storedIds(): string[] {
  const db = new Database(dbPath(project.dataDir), { readonly: true });
  try {
    const rows = db.prepare('SELECT message_id AS id FROM messages UNION SELECT message_id FROM dlq UNION SELECT message_id FROM deliveries').all() as { id: string }[];
    return rows.map((r) => r.id).sort();
  } finally {
    db.close();
  }
}

interface Answer { success?: unknown; error?: unknown; rejected?: unknown }
/** A 200 for a batch whose invalid events were left out: `rejected` names each. */
function partialAccept(res: { status: number; json: unknown }): Array<{ index: number; error: string }> | null {
  const rejected = (res.json as Answer | null)?.rejected;
  if (res.status !== 200 || (res.json as Answer).success !== true || !Array.isArray(rejected) || rejected.length === 0) return null;
  return rejected.every((r: { index?: unknown; error?: unknown }) => Number.isInteger(r.index) && typeof r.error === 'string') ? rejected as Array<{ index: number; error: string }> : null;
}

beforeAll(async () => {
  project = tempProject();
  writeFunction(project.functionsDir, 'everything', { code: 'async function onTrack() { return 1 }\nasync function onIdentify() { return 1 }' });
  engine = await testEngine(project, { prewarm: false });
});
afterAll(async () => {
  await engine.stop();
  project.cleanup();
});

test(`${REQUESTS} malformed requests: all 4xx with a JSON error (or a 200 naming the invalid events of a batch), only valid events stored, engine alive`, async () => {
  const next = generator(engine.writeKey);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses = new Map<number, number>();
  const offenders: string[] = [];
  let sent = 0;
  let cut = 0;
  let acceptedValid = 0;
  const kindTimes: Record<string, number> = {};
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (sent < REQUESTS) {
      sent++;
      const r = next();
      const t = performance.now();
      const res = await send(agent, engine.port, r);
      kindTimes[r.what] = (kindTimes[r.what] ?? 0) + Math.round(performance.now() - t);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === -1) { cut++; continue; }
      const rejected = partialAccept(res);
      if (rejected) {
        const { batch } = JSON.parse(r.body.toString('utf8')) as { batch: unknown[] };
        acceptedValid += batch.length - rejected.length;
        continue;
      }
      const jsonError = typeof res.json === 'object' && res.json !== null && typeof (res.json as { error?: unknown }).error === 'string';
      if (res.status < 400 || res.status >= 500 || !jsonError) offenders.push(`${r.what}: ${res.status} ${JSON.stringify(res.json)?.slice(0, 200)}`);
    }
  });
  await Promise.all(workers);
  agent.destroy();

  if (process.env.DESTFN_FUZZ_STATS) console.log(Object.fromEntries(statuses), kindTimes);
  expect(offenders).toEqual([]);
  expect(Object.keys(kindTimes)).toHaveLength(next.kinds); // every kind of malformation was sent
  // Connections cut after a 413 are allowed, but rare (the server drains what the client sends).
  expect(cut).toBeLessThan(REQUESTS * 0.01);
  expect([...statuses.keys()].every((s) => s === -1 || s === 200 || (s >= 400 && s < 500))).toBe(true);
  expect(engine.stats.internalErrors).toBe(0);
  // Stored: exactly the valid events of the partly accepted batches, each once; nothing invalid.
  expect(acceptedValid).toBeGreaterThan(0);
  expect(storedIds()).toEqual(Array.from({ length: acceptedValid }, (_, i) => `valid-${i + 1}`).sort());
  expect(Object.prototype).not.toHaveProperty('polluted');
}, 90_000);

test('garbage HTTP on a raw socket gets a 4xx (or a closed socket), never a 5xx, and the engine keeps serving', async () => {
  const rnd = prng(7);
  const payloads: Buffer[] = [];
  for (let i = 0; i < RAW_SOCKET_REQUESTS; i++) {
    const kind = i % 6;
    if (kind === 0) payloads.push(Buffer.from(Array.from({ length: 50 + Math.floor(rnd() * 500) }, () => Math.floor(rnd() * 256))));
    else if (kind === 1) payloads.push(Buffer.from('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}'));
    else if (kind === 2) payloads.push(Buffer.from(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20_000)}\r\n\r\n`));
    else if (kind === 3) payloads.push(Buffer.from('POST /v1/batch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot chunked\r\n'));
    else if (kind === 4) payloads.push(Buffer.from('GET / HTTP/9.9\r\n\r\n'));
    else payloads.push(Buffer.from(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n${'{'.repeat(20)}`));
  }
  const before = storedIds();
  const answers = await Promise.all(payloads.map((p) => rawSocket(engine.port, p)));
  for (const answer of answers) {
    if (answer === '') continue;
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
  }
  expect(storedIds()).toEqual(before);

  // Still serving, and a valid event goes through.
  expect((await fetch(`${engine.url}/health`)).status).toBe(200);
  const ok = await postJson(`${engine.url}/v1/track`, { userId: 'u', event: 'After fuzz' }, engine.writeKey);
  expect(ok).toEqual({ status: 200, json: { success: true } });
});

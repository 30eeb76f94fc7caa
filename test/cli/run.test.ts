import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../runtime/support/http-server';
import { FIXTURES } from '../ingest/support';
import { destfn, stableDuration, type CliResult } from './support';

/**
 * `destfn run` as a user runs it: real child processes (started together: each costs 1-2 s), the
 * example functions, and a real HTTP server on 127.0.0.1 answering /status/<code>. Every
 * status × format combination of the printed report is covered in-process by run-output.test.ts.
 */
describe('destfn run', () => {
  let server: TestServer;
  let tmp: string;
  const results: Record<string, CliResult> = {};

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const status = Number(/\/status\/(\d+)/.exec(req.url)?.[1] ?? 200);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{"ok":true}' : `{"error":"status ${status}"}`);
    });
    tmp = mkdtempSync(join(tmpdir(), 'destfn-cli-run-'));
    const settings = (name: string, value: object) => {
      const file = join(tmp, `${name}.json`);
      writeFileSync(file, JSON.stringify(value));
      return file;
    };
    const logger = join(tmp, 'functions', 'logger');
    mkdirSync(logger, { recursive: true });
    writeFileSync(join(logger, 'index.js'), [
      "console.log('loaded once');",
      'async function onTrack(event, settings) {',
      "  console.log('tracking', event.event);",
      "  console.warn('greeting is', settings.greeting);",
      '  return { seen: event.event, greeting: settings.greeting };',
      '}',
    ].join('\n'));
    writeFileSync(join(logger, 'function.json'), JSON.stringify({ settings: { greeting: { type: 'string', required: true } } }));
    writeFileSync(join(logger, 'settings.json'), JSON.stringify({ greeting: 'hi' }));
    const badEvent = join(tmp, 'bad-event.json');
    writeFileSync(badEvent, JSON.stringify({ type: 'track', userId: 'u1' }));
    // A batch function as Segment's docs write one: a bulk call, then each event's fate.
    const bulk = join(tmp, 'functions', 'bulk');
    mkdirSync(bulk, { recursive: true });
    writeFileSync(join(bulk, 'index.js'), [
      'async function onBatch(events, settings) {',
      "  console.log('bulk of', events.length);",
      "  return events.map((e) => (e.properties.ok ? { status: 200 } : { status: 500, errormessage: 'bulk API refused ' + e.messageId }));",
      '}',
    ].join('\n'));
    writeFileSync(join(bulk, 'function.json'), JSON.stringify({}));
    const track = (messageId: string, ok: boolean) => ({ type: 'track', event: 'Order Completed', userId: 'u1', messageId, properties: { ok } });
    const events = (name: string, value: unknown) => {
      const file = join(tmp, `${name}.json`);
      writeFileSync(file, JSON.stringify(value));
      return file;
    };
    const threeEvents = events('three', [track('e-0', true), track('e-1', false), track('e-2', true)]);

    const gcf = (status: number) => settings(`gcf-${status}`, { httpTrigger: `${server.url}/status/${status}` });
    const hook = (status: number) => settings(`hook-${status}`, { url: `${server.url}/status/${status}` });
    const runs: Record<string, string[]> = {
      humanDelivered: ['logger', '--event', 'track', '--dir', join(tmp, 'functions'), '--settings', settings('greet', { greeting: 'hello' })],
      jsonDelivered: ['webhook', '--event', join(FIXTURES, 'identify.json'), '--settings', hook(200), '--json'],
      humanDiscarded: ['google-cloud-function', '--event', 'page', '--settings', gcf(400)],
      jsonRetry: ['google-cloud-function', '--event', 'track', '--settings', gcf(429), '--json'],
      badEvent: ['webhook', '--event', badEvent, '--settings', hook(200)],
      batchFile: ['webhook', '--event', join(FIXTURES, 'batch.json'), '--settings', hook(200)],
      onBatchHuman: ['bulk', '--event', threeEvents, '--dir', join(tmp, 'functions')],
      onBatchJson: ['bulk', '--event', threeEvents, '--dir', join(tmp, 'functions'), '--json'],
      emptyBatch: ['bulk', '--event', events('empty', []), '--dir', join(tmp, 'functions')],
      badBatchEntry: ['bulk', '--event', events('bad-entry', [track('e-0', true), { type: 'track', userId: 'u1' }]), '--dir', join(tmp, 'functions')],
    };
    const names = Object.keys(runs);
    const outputs = await Promise.all(names.map((name) => destfn(['run', ...runs[name]])));
    names.forEach((name, i) => { results[name] = outputs[i]; });
  }, 120_000);

  afterAll(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('delivered, human: Callback Return (pretty JSON) and Log Output (load + event logs), exit 0', () => {
    const { code, stdout, stderr } = results.humanDelivered;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stableDuration(stdout)).toBe([
      'Callback Return',
      '---------------',
      '{',
      '  "seen": "Order Completed",',
      '  "greeting": "hello"',
      '}',
      '',
      'Log Output',
      '----------',
      'loaded once',
      'tracking Order Completed',
      'greeting is hello',
      '',
      'status: delivered (took N ms, messageId sample-track-0001)',
      '',
    ].join('\n'));
  });

  test('delivered, --json: exactly one JSON object; an event file is accepted; the sink got the event', () => {
    const { code, stdout } = results.jsonDelivered;
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({ status: 'delivered', result: { ok: true }, error: null, logs: [] });
    const received = server.requests.filter((r) => r.url === '/status/200').map((r) => JSON.parse(r.body));
    expect(received).toContainEqual(expect.objectContaining({ type: 'identify', messageId: 'msg-identify-0001' }));
  });

  test('discarded, human: the error class and message, and that it is not retried; exit 1', () => {
    const { code, stdout } = results.humanDiscarded;
    expect(code).toBe(1);
    expect(stdout).toContain('Callback Return\n---------------\nInvalidEventPayload: Cloud Function responded 400 Bad Request: {"error":"status 400"}\n'
      + '→ discarded, not retried (invalid event)\n');
    expect(stdout).toContain('Log Output\n----------\n(no output)\n');
  });

  test('retry, --json: exit 1', () => {
    const { code, stdout } = results.jsonRetry;
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      status: 'retry', result: null, logs: [],
      error: { name: 'RetryError', message: 'Cloud Function responded 429 Too Many Requests: {"error":"status 429"}' },
    });
  });

  test('an invalid event file: a clear error naming the field, nothing invoked, exit 1', () => {
    const { code, stdout, stderr } = results.badEvent;
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^destfn run: event file ".*bad-event\.json": "event" is required for a track event\n$/);
  });

  test('a /v1/batch body, to a function without onBatch: each event through its handler, each one\'s fate in order, exit 0 when all are delivered', () => {
    const { code, stdout, stderr } = results.batchFile;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('Callback Return (no onBatch: each event through its handler)\n');
    const fates = stdout.split('\n').filter((line) => /^\[\d\] /.test(line));
    expect(fates).toHaveLength(6);
    expect(fates[0]).toMatch(/^\[0\] \S+: \{$/); // the webhook's result, pretty JSON
    expect(stableDuration(stdout)).toContain('status: 6 delivered, 0 would be retried, 0 discarded (took N ms)\n');
    const received = server.requests.filter((r) => r.url === '/status/200').map((r) => (JSON.parse(r.body) as { type: string }).type);
    for (const type of ['identify', 'track', 'page', 'screen', 'group', 'alias']) expect(received).toContain(type);
  });

  test('a JSON array of events, as Segment\'s editor takes, goes to onBatch once: each event\'s fate (a partial failure retried), the batch\'s output once, exit 1', () => {
    const { code, stdout, stderr } = results.onBatchHuman;
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    expect(stableDuration(stdout)).toBe([
      'Callback Return (onBatch, 3 events)',
      '-----------------------------------',
      '[0] e-0: {',
      '      "status": 200',
      '    }',
      '[1] e-1: RetryError: bulk API refused e-1 (status 500)',
      '    → would be retried (then moved to the DLQ after the last attempt)',
      '[2] e-2: {',
      '      "status": 200',
      '    }',
      '',
      'Log Output',
      '----------',
      'bulk of 3',
      '',
      'status: 2 delivered, 1 would be retried, 0 discarded (took N ms)',
      '',
    ].join('\n'));
  });

  test('a batch, --json: one object with every event\'s fate and the logs once', () => {
    const { code, stdout } = results.onBatchJson;
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      events: [
        { messageId: 'e-0', status: 'delivered', result: { status: 200 }, error: null },
        { messageId: 'e-1', status: 'retry', result: null, error: { name: 'RetryError', message: 'bulk API refused e-1 (status 500)' } },
        { messageId: 'e-2', status: 'delivered', result: { status: 200 }, error: null },
      ],
      logs: ['bulk of 3'],
    });
  });

  test('an empty batch, or a batch with an invalid entry: a clear error naming the entry, nothing invoked, exit 1', () => {
    expect(results.emptyBatch).toMatchObject({ code: 1, stdout: '' });
    expect(results.emptyBatch.stderr).toMatch(/^destfn run: event file ".*empty\.json" holds an empty batch: give it one event or more\n$/);
    expect(results.badBatchEntry).toMatchObject({ code: 1, stdout: '' });
    expect(results.badBatchEntry.stderr).toMatch(/^destfn run: event file ".*bad-entry\.json", event 1: "event" is required for a track event\n$/);
  });
});

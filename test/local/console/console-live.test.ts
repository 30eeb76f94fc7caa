/**
 * The console's live side against the real engine: /api/stream (hello with the engine id, a delivery and its log as
 * they settle, reload results, the functions body), load errors with file and line, and a restart seen as a new engineId.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postJson, testEngine, waitFor } from '../helpers/engine';
import { HOOKS_CODE, api, consoleEngine } from './console-fixture';

const fx = consoleEngine();

interface Sse { events: Array<{ event: string; data: any }>; raw(): string; close(): void } // eslint-disable-line @typescript-eslint/no-explicit-any

/** Reads an SSE stream with Node's fetch, as the page's EventSource would. */
async function openStream(engine: { url: string; token: string }): Promise<Sse> {
  const controller = new AbortController();
  const res = await fetch(`${engine.url}/api/stream`, { signal: controller.signal, headers: { cookie: `destfn_token=${engine.token}` } });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: Sse['events'] = [];
  let text = '';
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        const frames = text.split('\n\n');
        for (const frame of frames.slice(events.length + (text.startsWith('retry:') ? 1 : 0), -1)) {
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch { /* aborted or ended */ }
  })();
  return { events, raw: () => text, close: () => controller.abort() };
}

const of = (sse: Sse, event: string) => sse.events.filter((e) => e.event === event).map((e) => e.data);

test('hello names the engine; deliveries, their logs and the functions body are pushed as they settle', async () => {
  const sse = await openStream(fx.engine);
  try {
    await waitFor('hello', () => of(sse, 'hello').length === 1);
    expect(sse.raw().startsWith('retry: 1000\n\n')).toBe(true);
    expect(of(sse, 'hello')[0]).toEqual({ engineId: fx.engine.engineId, at: expect.any(String) });
    await postJson(`${fx.engine.url}/v1/track`, { userId: 'u', event: 'Live', messageId: 'live-1', properties: {} }, fx.engine.writeKey);
    await waitFor('delivery pushed', () => of(sse, 'delivery').some((d) => d.messageId === 'live-1' && d.function === 'hooks'));
    expect(of(sse, 'delivery').find((d) => d.function === 'hooks')).toMatchObject({ status: 'delivered', eventType: 'track', eventName: 'Live', attempts: 1, durationMs: expect.any(Number) });
    expect(of(sse, 'log')).toContainEqual({ function: 'hooks', messageId: 'live-1', lines: ['sending with key [REDACTED]'] });
    await waitFor('functions pushed', () => of(sse, 'functions').length > 0, 5000);
    expect(of(sse, 'functions').at(-1).functions.map((f: { name: string }) => f.name)).toEqual(['hooks', 'typed']);
  } finally {
    sse.close();
  }
});

test('a broken save: reload event and load-failed with file and line; the previous version keeps running; fixed again', async () => {
  const sse = await openStream(fx.engine);
  try {
    await waitFor('hello', () => of(sse, 'hello').length === 1);
    writeFileSync(join(fx.project.functionsDir, 'hooks', 'index.js'), 'async function onTrack(event) {\n  return 1;\n  const = ;\n}\n');
    await waitFor('reload failed pushed', () => of(sse, 'reload').some((r) => r.function === 'hooks' && !r.ok), 10_000);
    const hooks = (await api(fx.engine, '/api/functions')).json.functions.find((f: { name: string }) => f.name === 'hooks');
    expect(hooks).toMatchObject({ status: 'load-failed', running: true, error: { file: 'functions/hooks/index.js', line: 3 } });
    expect(hooks.error.message).toMatch(/index\.js:3:/);
    writeFileSync(join(fx.project.functionsDir, 'hooks', 'index.js'), HOOKS_CODE);
    await waitFor('reload ok pushed', () => of(sse, 'reload').some((r) => r.function === 'hooks' && r.ok), 10_000);
    expect((await api(fx.engine, '/api/functions')).json.functions.find((f: { name: string }) => f.name === 'hooks')).toMatchObject({ status: 'loaded' });
  } finally {
    sse.close();
  }
});

test('a new folder that does not load is listed as load-failed, not running', async () => {
  mkdirSync(join(fx.project.functionsDir, 'broken'));
  writeFileSync(join(fx.project.functionsDir, 'broken', 'index.js'), 'async function onTrack( {\n');
  await waitFor('listed', async () => (await api(fx.engine, '/api/functions')).json.functions.some((f: { name: string }) => f.name === 'broken'), 10_000);
  const broken = (await api(fx.engine, '/api/functions')).json.functions.find((f: { name: string }) => f.name === 'broken');
  expect(broken).toMatchObject({ status: 'load-failed', running: false, error: { file: 'functions/broken/index.js', line: 2 } });
  rmSync(join(fx.project.functionsDir, 'broken'), { recursive: true });
  await waitFor('gone', async () => !(await api(fx.engine, '/api/functions')).json.functions.some((f: { name: string }) => f.name === 'broken'), 10_000);
});

test('an engine restart ends the stream; the next engine says hello with a new engineId', async () => {
  const engine = await testEngine(fx.project, { dataDir: join(fx.project.root, 'other-data') });
  const port = engine.port;
  const first = await openStream(engine);
  await waitFor('hello', () => of(first, 'hello').length === 1);
  await engine.stop();
  const next = await testEngine(fx.project, { dataDir: join(fx.project.root, 'other-data'), port });
  try {
    const second = await openStream(next);
    await waitFor('hello again', () => of(second, 'hello').length === 1);
    expect(of(second, 'hello')[0].engineId).toBe(next.engineId);
    expect(next.engineId).not.toBe(engine.engineId);
    expect(of(first, 'hello')[0].engineId).toBe(engine.engineId);
    second.close();
  } finally {
    await next.stop();
  }
});

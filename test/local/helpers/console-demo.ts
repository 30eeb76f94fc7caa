/**
 * A project for the dev console's browser tests and its screenshots (scripts/console-screenshots.ts): a real engine
 * on 127.0.0.1 with three functions delivering to a real HTTP sink, and ways to make deliveries, dead letters,
 * rejected events and a reload error happen.
 *
 * - `shop` logs, POSTs to settings.url and returns the answer; it has a secret setting (apiKey, in settings.local.json),
 *   throws an Error at SHOP_THROW_LINE when `properties.explode` is set, and discards identify events.
 * - `webhook` is the example function, delivering to /hook.
 * - `flaky` is the example function delivering to /flaky with one attempt: while the sink fails /flaky, events go to the DLQ.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { Engine, EngineOptions } from '../../../runtime/local/engine';
import { testEngine, postJson } from './engine';
import { copyWebhook, tempProject, writeFunction, type TempProject } from './functions';
import { startSink, type Sink } from './sink';

export const SHOP_API_KEY = 'sk_live_console_demo_5f3b9e21c4';
export const SHOP_THROW_LINE = 4;

export const SHOP_CODE = `async function onTrack(event, settings) {
  console.log('sending', event.event, 'to', settings.url);
  if (event.properties && event.properties.explode) {
    throw new Error('exploded on purpose: ' + event.properties.explode);
  }
  const res = await fetch(settings.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + settings.apiKey },
    body: JSON.stringify({ messageId: event.messageId, event: event.event, total: event.properties && event.properties.total }),
  });
  const body = await res.text();
  console.log('answer', res.status);
  if (res.status >= 500) throw new RetryError('shop sink ' + res.status);
  return { status: res.status, body: JSON.parse(body) };
}
async function onIdentify() {
  throw new EventNotSupported('identify is not sent to the shop');
}
`;

/**
 * Open the console once with the URL destfn dev prints (`/?token=…`): the engine answers 303 with the token cookie,
 * which the context's later pages send (every console request needs the token, also on loopback).
 */
export async function signIn(context: BrowserContext, engine: Engine): Promise<void> {
  const page = await context.newPage();
  try {
    const res = await page.goto(`${engine.url}/?token=${encodeURIComponent(engine.token)}`);
    if (!res?.ok()) throw new Error(`the console refused its token: HTTP ${res?.status()}`);
    await page.locator('h2').first().waitFor();
  } finally {
    await page.close();
  }
}

export interface ConsoleDemo {
  project: TempProject;
  sink: Sink;
  engine: Engine;
  /** Paths the sink answers 503 (e.g. '/flaky'). */
  failing: Set<string>;
  /** Post events to the engine's batch endpoint (write key of the dev source). */
  ingest(events: Array<Record<string, unknown>>): Promise<{ status: number; json: unknown }>;
  /** Overwrite a function's index.js (hot reload picks it up). */
  writeCode(fn: string, code: string): void;
  /** Stop the engine and start a new one on the same port and data (a restart under the page). */
  restart(): Promise<Engine>;
  close(): Promise<void>;
}

export async function startConsoleDemo(options: Partial<EngineOptions> = {}): Promise<ConsoleDemo> {
  const project = tempProject('destfn-console-');
  const sink = await startSink();
  const failing = new Set<string>();
  sink.respond((req) => (failing.has(req.path) ? 503 : 200));
  writeFunction(project.functionsDir, 'shop', {
    code: SHOP_CODE,
    config: {
      description: 'Sends orders to the shop API',
      settings: { url: { type: 'string', required: true }, apiKey: { type: 'string', secret: true, required: true }, region: { type: 'string' } },
      retry: { attempts: 2, windowHours: 1 },
    },
    settings: { url: `${sink.url}/shop`, region: 'eu-west-1' },
  });
  writeFileSync(join(project.functionsDir, 'shop', 'settings.local.json'), JSON.stringify({ apiKey: SHOP_API_KEY }));
  copyWebhook(project.functionsDir, 'webhook', `${sink.url}/hook`);
  copyWebhook(project.functionsDir, 'flaky', `${sink.url}/flaky`, { retry: { attempts: 1, windowHours: 1 } });
  const demo: ConsoleDemo = {
    project,
    sink,
    failing,
    engine: await testEngine(project, options),
    ingest: (events) => postJson(`${demo.engine.url}/v1/batch`, { batch: events }, demo.engine.writeKey),
    writeCode: (fn, code) => writeFileSync(join(project.functionsDir, fn, 'index.js'), code),
    async restart() {
      const { port } = demo.engine;
      await demo.engine.stop();
      demo.engine = await testEngine(project, { ...options, port });
      return demo.engine;
    },
    async close() {
      await demo.engine?.stop();
      await sink.close();
      project.cleanup();
    },
  };
  return demo;
}

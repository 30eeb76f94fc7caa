/**
 * The real @segment/analytics-next in real headless Chromium → local engine → the `webhook` example function →
 * a real HTTP sink. The page only gets `cdnURL` pointed at the engine: the settings the engine serves send
 * events to it. Default mode (one request per event, /v1/t /v1/i …) and batching mode (/v1/b).
 */
import type { Page, Request } from 'playwright-core';
import type { Engine } from '../../runtime/local/engine';
import { analyticsNextBundle, launchChromium, startPageServer, type Browser, type PageServer } from './helpers/browser';
import { copyWebhook, tempProject, type TempProject } from './helpers/functions';
import { testEngine, waitFor } from './helpers/engine';
import { startSink, type Sink } from './helpers/sink';

let project: TempProject;
let sink: Sink;
let engine: Engine;
let pages: PageServer;
let browser: Browser;

beforeAll(async () => {
  project = tempProject();
  sink = await startSink();
  copyWebhook(project.functionsDir, 'webhook', `${sink.url}/hook`);
  engine = await testEngine(project);
  pages = await startPageServer(await analyticsNextBundle());
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await engine?.stop();
  await sink?.close();
  project?.cleanup();
});

interface Watched { page: Page; requests: Request[]; problems: string[] }

/** A fresh page recording every request it makes and every console error. */
async function openPage(): Promise<Watched> {
  const page = await browser.context.newPage();
  const requests: Request[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(pages.url);
  return { page, requests, problems };
}

type Sent = Array<[type: string, messageId: string]>;

/** Load analytics.js with the engine as its CDN and make one call of each kind; the messageIds analytics.js gave them. */
function sendAll(page: Page, tag: string, batching: boolean): Promise<Sent> {
  return page.evaluate(async ({ writeKey, cdnURL, tag, batching }) => {
    type Ctx = { event: { type: string; messageId: string } };
    const ajs = (window as unknown as { AnalyticsBrowser: { load(s: object, o?: object): Promise<[{ [k: string]: (...a: unknown[]) => Promise<Ctx> }]> } }).AnalyticsBrowser;
    const options = batching
      ? { integrations: { 'Segment.io': { deliveryStrategy: { strategy: 'batching', config: { size: 6, timeout: 300 } } } } }
      : {};
    const [analytics] = await ajs.load({ writeKey, cdnURL }, options);
    const calls: Array<() => Promise<Ctx>> = [
      () => analytics.identify(`user-${tag}`, { email: `${tag}@example.com`, plan: 'pro' }),
      () => analytics.track('Order Completed', { total: 82.5, run: tag }),
      () => analytics.page('Docs', 'Getting Started', { run: tag }),
      () => analytics.screen('App', 'Home', { run: tag }),
      () => analytics.group(`org-${tag}`, { name: 'Acme' }),
      () => analytics.alias(`user-${tag}-new`, `user-${tag}`),
    ];
    const done = batching ? await Promise.all(calls.map((call) => call())) : await calls.reduce(
      async (all, call) => [...await all, await call()], Promise.resolve([] as Ctx[]));
    return done.map((ctx): [string, string] => [ctx.event.type, ctx.event.messageId]);
  }, { writeKey: engine.writeKey, cdnURL: engine.url, tag, batching });
}

/** The events analytics.js sent, by messageId, as read from the requests' bodies (a batch's `sentAt` applies to each). */
function sentEvents(requests: Request[]): Map<string, Record<string, unknown>> {
  const events = new Map<string, Record<string, unknown>>();
  for (const request of requests) {
    if (request.method() !== 'POST' || !/\/v1\/[tipsgab]$/.test(request.url())) continue;
    const body = JSON.parse(request.postData() ?? 'null') as Record<string, unknown> & { batch?: Array<Record<string, unknown>> };
    const list: Array<Record<string, unknown>> = body.batch ? body.batch.map((event) => ({ ...event, sentAt: body.sentAt, writeKey: body.writeKey })) : [body];
    for (const event of list) events.set(String(event.messageId), event);
  }
  return events;
}

/** Each call reached the function exactly once, as analytics.js sent it (less the write key, plus receivedAt). */
async function expectDelivered(sent: Sent, tag: string, requests: Request[]): Promise<void> {
  expect(sent.map(([type]) => type)).toEqual(['identify', 'track', 'page', 'screen', 'group', 'alias']);
  await waitFor(`six deliveries (${tag})`, () => sent.every(([, id]) => sink.count(id) >= 1));
  await waitFor('queue drained', () => Object.values(engine.queue.depths()).every((d) => d.queued === 0));
  const body = (id: string) => sink.requests.find((r) => (r.json as { messageId?: string }).messageId === id)!.json;
  const [identify, track, page, screen, group, alias] = sent.map(([, id]) => body(id));
  expect(identify).toMatchObject({ type: 'identify', userId: `user-${tag}`, traits: { email: `${tag}@example.com`, plan: 'pro' } });
  expect(track).toMatchObject({ type: 'track', userId: `user-${tag}`, event: 'Order Completed', properties: { total: 82.5, run: tag } });
  expect(page).toMatchObject({ type: 'page', category: 'Docs', name: 'Getting Started', properties: { run: tag } });
  expect(screen).toMatchObject({ type: 'screen', name: 'Home', properties: { run: tag } });
  expect(group).toMatchObject({ type: 'group', groupId: `org-${tag}`, traits: { name: 'Acme' } });
  expect(alias).toMatchObject({ type: 'alias', previousId: `user-${tag}` });
  const fromBrowser = sentEvents(requests);
  for (const [, id] of sent) {
    expect(sink.count(id)).toBe(1);
    const { writeKey, ...event } = fromBrowser.get(id)!;
    expect(writeKey).toBe(engine.writeKey);
    expect(body(id)).toEqual({ ...event, receivedAt: expect.any(String) });
    expect(body(id)).toMatchObject({ context: { library: { name: 'analytics.js' } } });
    expect(engine.records.get('webhook', id)).toMatchObject({ status: 'delivered', attempts: 1 });
  }
}

/** Every request the page made went to 127.0.0.1; the paths it asked of the engine. */
function enginePaths(requests: Request[]): string[] {
  const urls = requests.map((r) => new URL(r.url()));
  expect(urls.filter((u) => u.hostname !== '127.0.0.1').map(String)).toEqual([]);
  return urls.filter((u) => u.origin === engine.url).map((u) => `${requests[urls.indexOf(u)].method()} ${u.pathname}`);
}

test('default mode: each call is one request to its short path (/v1/i /v1/t …), each event delivered once, nothing leaves 127.0.0.1', async () => {
  const { page, requests, problems } = await openPage();
  const sent = await sendAll(page, 'default', false);
  await expectDelivered(sent, 'default', requests);
  expect(enginePaths(requests)).toEqual([
    `GET /v1/projects/${engine.writeKey}/settings`,
    'POST /v1/i', 'POST /v1/t', 'POST /v1/p', 'POST /v1/s', 'POST /v1/g', 'POST /v1/a',
  ]);
  expect(problems).toEqual([]);
  await page.close();
});

test('batching mode: the six calls go in one /v1/b and each event is delivered once', async () => {
  const { page, requests, problems } = await openPage();
  const sent = await sendAll(page, 'batching', true);
  await expectDelivered(sent, 'batching', requests);
  expect(enginePaths(requests)).toEqual([`GET /v1/projects/${engine.writeKey}/settings`, 'POST /v1/b']);
  expect(requests.find((r) => r.url().endsWith('/v1/b'))!.headers()['content-type']).toMatch(/^text\/plain/);
  expect(problems).toEqual([]);
  await page.close();
});

test('from the page (cross-origin): a retry with X-Retry-Count passes CORS and is accepted; /v1/m answers 200', async () => {
  const { page, problems } = await openPage();
  const answers = await page.evaluate(async ({ url, writeKey }) => {
    const post = async (path: string, headers: Record<string, string>, body: unknown) => {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'text/plain', ...headers }, body: JSON.stringify(body) });
      return [res.status, await res.json()] as const;
    };
    return [
      await post('/v1/t', { Authorization: `Basic ${btoa(`${writeKey}:`)}`, 'X-Retry-Count': '1' },
        { writeKey, messageId: 'browser-retry-1', userId: 'user-r', event: 'Retried', type: 'track' }),
      await post('/v1/m', {}, { series: [{ type: 'Counter', metric: 'analytics_js.invoke', value: 1, tags: {} }] }),
    ];
  }, { url: engine.url, writeKey: engine.writeKey });
  expect(answers).toEqual([[200, { success: true }], [200, { success: true }]]);
  await waitFor('retried event delivered', () => sink.count('browser-retry-1') === 1);
  expect(problems).toEqual([]);
  await page.close();
});

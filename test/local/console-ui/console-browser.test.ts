/**
 * The dev console in real headless Chromium against the real engine (127.0.0.1, real functions, a real HTTP sink):
 * Run with Callback Return, Log Output and the outbound requests (stubbed and real network), an error with the
 * line in the user's file, deliveries filtered and opened, a DLQ replay, a reload error shown live, a phone-width
 * layout without horizontal scroll, the keyboard path to Run, and no console error anywhere.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import * as pauseCli from '../../../runtime/cli/pause';
import * as resumeCli from '../../../runtime/cli/resume';
import { runCli } from '../helpers/cli';
import { launchChromium, type Browser } from '../helpers/browser';
import { signIn, startConsoleDemo, SHOP_API_KEY, SHOP_THROW_LINE, type ConsoleDemo } from '../helpers/console-demo';
import { waitFor } from '../helpers/engine';
import { writeFunction } from '../helpers/functions';
import { eventually, seeCount, seeNoText, seeText, seeValue } from '../helpers/page-wait';

let demo: ConsoleDemo;
let browser: Browser;

beforeAll(async () => {
  demo = await startConsoleDemo();
  browser = await launchChromium();
  await signIn(browser.context, demo.engine);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

interface Watched { page: Page; problems: string[]; hosts: Set<string> }

/** A page at `hash` of the console, recording console errors, page errors and every host it asks. */
async function open(hash: string, width = 1280): Promise<Watched> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const problems: string[] = [];
  const hosts = new Set<string>();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => hosts.add(new URL(r.url()).host));
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${demo.engine.url}/${hash}`);
  await page.locator('h2').first().waitFor();
  return { page, problems, hosts };
}

async function done({ page, problems, hosts }: Watched): Promise<void> {
  await page.close();
  expect(problems).toEqual([]);
  expect([...hosts]).toEqual([new URL(demo.engine.url).host]);
}

const track = (messageId: string, extra: Record<string, unknown> = {}) =>
  ({ type: 'track', event: 'Order Completed', userId: 'user-7', messageId, properties: { total: 42 }, ...extra });

async function setEvent(page: Page, event: object): Promise<void> {
  await page.getByLabel('Event JSON').fill(JSON.stringify(event, null, 2));
}

test('Run with the stubbed network: Callback Return, Log Output, the outbound request with its bodies; nothing reaches the sink; the secret is masked', async () => {
  const w = await open('#/run/shop');
  const { page } = w;
  await seeValue(page.getByLabel('Event JSON'), (v) => v !== '');
  expect(JSON.parse(await page.getByLabel('Event JSON').inputValue())).toMatchObject({ type: 'track' });
  await seeText(page.locator('.settings'), 'secret, set');
  expect(await page.content()).not.toContain(SHOP_API_KEY);

  await setEvent(page, track('run-stub-1'));
  await page.getByLabel('Stub body').fill('{"stubbed":"yes"}');
  const sinkBefore = demo.sink.requests.length;
  await page.getByRole('button', { name: 'Run', exact: true }).click();

  await seeText(page.getByTestId('callback-return'), '"stubbed": "yes"');
  await seeText(page.getByTestId('callback-return'), '"status": 200');
  await seeText(page.locator('#run-result-title'), 'delivered');
  await seeText(page.getByTestId('log-output'), `sending Order Completed to ${demo.sink.url}/shop`);
  await seeText(page.getByTestId('log-output'), 'answer 200');
  const row = page.locator('.run-result table.rows tbody tr');
  await seeCount(row, 1);
  await seeText(row, 'POST');
  await seeText(row, `${demo.sink.url}/shop`);
  await seeText(row, 'stub');
  await row.getByText(/^request body/).click();
  await row.locator('pre').filter({ hasText: 'run-stub-1' }).waitFor();
  expect(demo.sink.requests.length).toBe(sinkBefore);
  expect(await page.content()).not.toContain(SHOP_API_KEY);
  await done(w);
}, 60_000);

test('Run with the real network reaches the sink; a throw shows the error class, message and the line in the function file', async () => {
  const w = await open('#/run/shop');
  const { page } = w;
  await setEvent(page, track('run-real-1'));
  await page.getByLabel(/Real network/).check();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await seeText(page.getByTestId('callback-return'), '"ok": true');
  await waitFor('the sink got the real request', () => demo.sink.requests.some((r) => (r.json as { messageId?: string } | null)?.messageId === 'run-real-1'));

  await setEvent(page, track('run-throw-1', { properties: { explode: 'kaboom' } }));
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const error = page.locator('.panel-bad');
  await seeText(error, 'Error: exploded on purpose: kaboom');
  await seeText(error.locator('.stack'), new RegExp(`index\\.js:${SHOP_THROW_LINE}:\\d+`));
  await seeText(page.getByTestId('log-output'), 'sending Order Completed');
  await done(w);
}, 60_000);

test('Run of a batch (a JSON array of events): each event\'s fate in a table, the worst as the result, the logs by index', async () => {
  const w = await open('#/run/shop');
  const { page } = w;
  await page.getByLabel('Event JSON').fill(JSON.stringify([track('run-batch-0'), track('run-batch-1', { type: 'identify' }), track('run-batch-2')], null, 2));
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const rows = page.locator('table.batch-events tbody tr');
  await seeCount(rows, 3);
  await seeText(page.locator('#batch-events-title'), 'no onBatch: each event through its handler');
  await seeText(rows.nth(0), 'run-batch-0');
  await seeText(rows.nth(0), 'delivered');
  await seeText(rows.nth(1), 'discarded');
  await seeText(rows.nth(1), 'EventNotSupported: identify is not sent to the shop');
  await seeText(rows.nth(2), 'delivered');
  await seeText(page.locator('#run-result-title'), 'discarded');
  await seeText(page.locator('#run-error-title'), 'of event 1 (run-batch-1)');
  await seeText(page.getByTestId('log-output'), '[2] sending Order Completed');
  await seeCount(page.locator('.run-result table.rows:not(.batch-events) tbody tr'), 2);
  expect(await page.content()).not.toContain(SHOP_API_KEY);
  await done(w);
}, 60_000);

test('Run: a per-run setting override is used, and a recent real event can be picked as the starting point', async () => {
  await demo.ingest([track('recent-real-1', { properties: { total: 99.5 } })]);
  await waitFor('recent-real-1 delivered by shop', () => demo.engine.records.get('shop', 'recent-real-1')?.status === 'delivered');
  const w = await open('#/run/shop');
  const { page } = w;
  await seeValue(page.getByLabel('Event JSON'), (v) => v !== '');
  const option = page.locator('#event-choice option').filter({ hasText: 'recent-real-1' });
  await page.getByLabel('Start from').selectOption({ value: (await option.getAttribute('value'))! });
  await seeValue(page.getByLabel('Event JSON'), (v) => v.includes('"recent-real-1"') && v.includes('99.5'));

  await page.getByLabel('Override url for this run').fill(`${demo.sink.url}/override`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await seeText(page.locator('.run-result table.rows'), `${demo.sink.url}/override`);
  await seeText(page.getByTestId('log-output'), `to ${demo.sink.url}/override`);
  await done(w);
}, 60_000);

test('keyboard: the skip link, then Tab reaches the Run button and Enter runs the event', async () => {
  const w = await open('#/run/shop');
  const { page } = w;
  await seeValue(page.getByLabel('Event JSON'), (v) => v !== '');
  await page.locator('body').focus();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => [document.activeElement?.id, location.hash])).toEqual(['main', '#/run/shop']);
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'run-button');
  }
  expect(reached).toBe(true);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await page.getByTestId('callback-return').waitFor();
  await done(w);
}, 60_000);

test('deliveries: new ones arrive live, filters by status, type and messageId, a row opens the event, attempts and result', async () => {
  const w = await open('#/deliveries');
  const { page } = w;
  // Times read in the browser's zone, which they name.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'America/New_York' });
  await page.getByRole('status').filter({ hasText: /shown|No delivery/ }).waitFor();
  await demo.ingest([track('dl-track-1'), { type: 'identify', userId: 'user-7', messageId: 'dl-identify-1', traits: { plan: 'pro' } }]);
  await seeText(page.locator('table.deliveries'), 'dl-identify-1');
  await seeText(page.locator('table.deliveries'), 'dl-track-1');
  await seeText(page.locator('table.deliveries tbody tr').first(), /\d\d:\d\d:\d\d (EST|EDT)/);

  await page.getByLabel('Function').selectOption('shop');
  await page.getByLabel('Status').selectOption('discarded');
  await seeCount(page.locator('table.deliveries tbody tr'), 1);
  await seeText(page.locator('table.deliveries tbody tr'), 'dl-identify-1');
  await seeText(page.locator('table.deliveries tbody tr'), 'discarded');
  expect(page.url()).toContain('status=discarded');

  await page.getByRole('link', { name: 'Clear' }).click();
  await page.getByLabel('Type').selectOption('track');
  await page.getByLabel('messageId').fill('dl-track-1');
  await page.getByRole('button', { name: 'Filter' }).click();
  await seeCount(page.locator('table.deliveries tbody tr'), 3); // shop, webhook, flaky
  await seeCount(page.locator('table.deliveries tbody tr').filter({ hasText: 'dl-identify-1' }), 0);

  await page.locator('table.deliveries tbody tr').filter({ hasText: 'shop' }).getByRole('link').click();
  await seeText(page.locator('h2'), 'dl-track-1');
  await seeText(page.locator('.detail-grid'), '"total": 42');
  await seeText(page.locator('.attempts'), '#1');
  await seeText(page.locator('.attempts'), 'delivered');
  await seeText(page.locator('.attempts'), 'answer 200');
  await seeText(page.getByTestId('delivery-result'), '"ok": true');
  await done(w);
}, 60_000);

test('deliveries: past the first 50, "Load older" brings the next page', async () => {
  const ids = Array.from({ length: 55 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
  await demo.ingest(ids.map((id) => track(id)));
  await waitFor('55 deliveries of shop', () => ids.every((id) => demo.engine.records.get('shop', id)?.status === 'delivered'));
  const w = await open('#/deliveries?function=shop&type=track');
  const { page } = w;
  const rows = page.locator('table.deliveries tbody tr');
  await seeCount(rows, 50);
  await page.getByRole('button', { name: 'Load older' }).click();
  const total = await eventually('more than 50 rows', () => rows.count(), (n) => n > 50);
  const shown = await rows.locator('td[data-label="messageId"]').allInnerTexts();
  expect(new Set(shown).size).toBe(total);
  expect(ids.every((id) => shown.includes(id))).toBe(true);
  await done(w);
}, 60_000);

test('DLQ: a dead event is replayed from the page, then all of a function\'s; they are then delivered', async () => {
  demo.failing.add('/flaky');
  await demo.ingest([track('dlq-1')]);
  await waitFor('dlq-1 dead', () => demo.engine.records.get('flaky', 'dlq-1')?.status === 'failed');
  const w = await open('#/dlq');
  const { page } = w;
  const row = page.locator('table.rows tbody tr').filter({ hasText: 'dlq-1' });
  await seeText(row, '503');
  demo.failing.delete('/flaky');
  await row.getByRole('button', { name: /^Replay/ }).click();
  await page.getByRole('status').filter({ hasText: 'Replayed 1 event of flaky' }).waitFor();
  await waitFor('dlq-1 delivered after the replay', () => demo.engine.records.get('flaky', 'dlq-1')?.status === 'delivered');
  await seeCount(page.locator('table.rows tbody tr').filter({ hasText: 'dlq-1' }), 0);

  demo.failing.add('/flaky');
  await demo.ingest([track('dlq-2'), track('dlq-3')]);
  await waitFor('dlq-2 and dlq-3 dead', () => ['dlq-2', 'dlq-3'].every((id) => demo.engine.records.get('flaky', id)?.status === 'failed'));
  demo.failing.delete('/flaky');
  await seeCount(page.locator('table.rows tbody tr').filter({ hasText: /dlq-[23]/ }), 2); // listed live
  await page.getByRole('button', { name: 'Replay all of flaky' }).click();
  await page.getByRole('status').filter({ hasText: 'Replayed 2 events of flaky' }).waitFor();
  await waitFor('both delivered after the replay', () => ['dlq-2', 'dlq-3'].every((id) => demo.engine.records.get('flaky', id)?.status === 'delivered'));
  await done(w);
}, 60_000);

test('a reload error appears live on the Functions view with its file and line, and clears when fixed', async () => {
  const w = await open('#/functions');
  const { page } = w;
  const card = page.locator('article.fn-card').filter({ has: page.getByRole('heading', { name: 'webhook' }) });
  await seeText(card, 'loaded');
  const original = readFileSync(join(demo.project.functionsDir, 'webhook', 'index.js'), 'utf8');
  demo.writeCode('webhook', 'async function onTrack(event) {\n  return event.\n}\n');
  try {
    await seeText(card, 'reload failed', 15_000);
    await seeText(card.locator('.load-error'), 'Expected identifier');
    await seeText(card.locator('.load-error .location'), /index\.js:3:\d+/);
    await seeText(card.locator('.load-error'), 'previous version keeps running');
  } finally {
    demo.writeCode('webhook', original);
  }
  await seeCount(card.locator('.load-error'), 0, 15_000);
  await seeNoText(card, 'reload failed');
  await seeText(card, 'loaded');
  await done(w);
}, 60_000);

test('each function shows its delivery control now; an operator\'s pause appears live with its reason and how to resume, and goes on resume', async () => {
  const w = await open('#/functions');
  const { page } = w;
  const card = page.locator('article.fn-card').filter({ has: page.getByRole('heading', { name: 'webhook' }) });
  const concurrency = card.getByLabel('Delivery control of webhook').locator('.stat').filter({ has: page.locator('dt', { hasText: /^concurrency$/ }) }).locator('dd');
  await seeText(concurrency, /^\d+ of 200$/);
  await seeCount(card.locator('.paused-reason'), 0);
  expect(await runCli(pauseCli.main, ['webhook', '--reason', 'vendor maintenance', '--data', demo.project.dataDir])).toMatchObject({ code: 0 });
  try {
    await seeText(card.locator('.paused-reason'), 'Paused by an operator: vendor maintenance', 15_000);
    await seeText(card.locator('.paused-reason'), 'destfn resume webhook resumes it');
  } finally {
    expect(await runCli(resumeCli.main, ['webhook', '--data', demo.project.dataDir])).toMatchObject({ code: 0 });
  }
  await seeCount(card.locator('.paused-reason'), 0, 15_000);
  await done(w);
}, 60_000);

test('a new function folder that does not load is shown as load failed, not delivering, with its line', async () => {
  const w = await open('#/functions');
  const { page } = w;
  writeFunction(demo.project.functionsDir, 'fresh', { code: 'async function onTrack(event) {\n  const x = ;\n}\n' });
  try {
    const card = page.locator('article.fn-card').filter({ has: page.getByRole('heading', { name: 'fresh' }) });
    await seeText(card, 'load failed', 15_000);
    await seeNoText(card, 'reload failed');
    await seeText(card.locator('.load-error'), 'Not delivering');
    await seeText(card.locator('.load-error .location'), /fresh\/index\.js:2:\d+/);
  } finally {
    rmSync(join(demo.project.functionsDir, 'fresh'), { recursive: true, force: true });
  }
  await done(w);
}, 60_000);

test('rejected events and the dev sink are shown, and the sink follows new hits live', async () => {
  await demo.ingest([track('ok-1'), { type: 'track', userId: 'user-7', messageId: 'bad-event-1', properties: 'not an object' }]);
  const w = await open('#/rejected');
  const { page } = w;
  await seeText(page.locator('table.rows'), 'bad-event-1');
  await page.getByRole('link', { name: 'Sink' }).click();
  await seeText(page.locator('h2'), 'Dev sink');
  await seeText(page.locator('main p.muted').first(), '/_sink/<name>');
  await fetch(`${demo.engine.url}/_sink/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: 'A-77' }) });
  await demo.ingest([track('after-sink-1')]); // a delivery is what tells the page to look again
  const row = page.locator('table.rows tbody tr').filter({ hasText: 'orders' });
  await seeCount(row, 1);
  await row.locator('summary').click();
  await seeText(row.locator('pre'), '"orderId": "A-77"');
  await done(w);
}, 60_000);

test('phone width (390 px): no view scrolls sideways', async () => {
  const w = await open('#/functions', 390);
  const { page } = w;
  for (const hash of ['#/functions', '#/run/shop', '#/deliveries', '#/deliveries/shop/dl-track-1', '#/dlq', '#/rejected', '#/sink']) {
    await page.goto(`${demo.engine.url}/${hash}`);
    await page.locator('h2').first().waitFor();
    await page.waitForLoadState('networkidle');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect({ hash, width }).toEqual({ hash, width: 390 });
  }
  await done(w);
}, 60_000);

test('first load in the browser: page, script, style and the first API answers under 300 KB', async () => {
  const page = await browser.context.newPage();
  const sizes: Array<Promise<number>> = [];
  page.on('response', (r) => { if (!r.url().endsWith('/api/stream')) sizes.push(r.body().then((b) => b.length, () => 0)); });
  await page.goto(`${demo.engine.url}/#/functions`);
  await page.locator('article.fn-card').first().waitFor();
  await page.waitForLoadState('networkidle');
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  console.log(`console first load in Chromium: ${sizes.length} responses, ${bytes} bytes`);
  expect(bytes).toBeGreaterThan(20_000);
  expect(bytes).toBeLessThan(300 * 1024);
  await page.close();
}, 60_000);

test('orphans: the dead events of a deleted function are named on the functions view, listed as orphans and discarded from the page', async () => {
  demo.failing.add('/flaky');
  await demo.ingest([track('orphan-1'), track('orphan-2')]);
  await waitFor('two dead events of flaky', () => ['orphan-1', 'orphan-2'].every((id) => demo.engine.records.get('flaky', id)?.status === 'failed'));
  demo.failing.delete('/flaky');
  rmSync(join(demo.project.functionsDir, 'flaky'), { recursive: true, force: true });
  await waitFor('flaky removed by hot reload', () => !demo.engine.functions().includes('flaky'));
  const f = await open('#/functions');
  const notice = f.page.locator('section.card').filter({ has: f.page.getByRole('heading', { name: 'Orphaned events' }) });
  await seeText(notice, "In the DLQ of functions that no longer exist: flaky (2). Discard them in the DLQ view, or replay them there once the function's folder is back.");
  await done(f);
  const w = await open('#/dlq');
  const { page } = w;
  const group = page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'flaky' }) });
  await seeText(group, 'orphan');
  await seeText(group, 'orphan-1');
  await seeText(group, 'orphan-2');
  await seeText(group, 'No function named flaky is loaded: put its folder back under functions/ to replay its events here; discard drops them.');
  expect(await group.getByRole('button', { name: /^Replay/ }).count()).toBe(0); // the engine would refuse it (409)
  await group.getByRole('button', { name: 'Discard all of flaky' }).click();
  await page.getByRole('status').filter({ hasText: /Discarded \d+ events? of flaky/ }).waitFor();
  await seeCount(group, 0);
  expect(demo.engine.queue.depths().flaky?.dlq ?? 0).toBe(0);
  await done(w);
}, 60_000);

test('an engine restart under the page: it reconnects, refetches, and a Run works (the token, kept in the data dir, and its cookie stay good)', async () => {
  const w = await open('#/run/shop');
  const { page } = w;
  await seeText(page.locator('.live'), /^live/);
  const oldToken = demo.engine.token;
  await demo.restart();
  expect(demo.engine.token).toBe(oldToken);
  await seeText(page.locator('.live'), 'engine restarted', 15_000);
  await setEvent(page, track('after-restart-1'));
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await seeText(page.getByTestId('callback-return'), '"ok": true');
  // The browser logs the refused stream connection while the engine was down; nothing else.
  w.problems.splice(0, w.problems.length, ...w.problems.filter((p) => !/api\/stream|ERR_CONNECTION_REFUSED/.test(p)));
  await done(w);
}, 60_000);

/**
 * Screenshots of every dev console view at 390 px (phone) and 1440 px wide, into docs/console/ (linked from
 * docs/dev-console.md). Runs the real engine with the console demo project (test/local/helpers/console-demo.ts), makes
 * deliveries, dead letters, a rejected event, dev sink hits and a reload error happen, then drives Debian's chromium.
 *
 *   npx tsx scripts/console-screenshots.ts
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/local/helpers/browser';
import { signIn, startConsoleDemo, type ConsoleDemo } from '../test/local/helpers/console-demo';
import { waitFor } from '../test/local/helpers/engine';

const OUT = join(__dirname, '..', 'docs', 'console');
const WIDTHS = [390, 1440] as const;
/** Long pages are cut here: enough to show the view, small files. */
const MAX_HEIGHT = 2200;

const order = (n: number, extra: Record<string, unknown> = {}) => ({
  type: 'track', event: 'Order Completed', userId: `user-${n}`, messageId: `order-${n}`,
  properties: { orderId: `A-10${n}`, total: 20 + n * 7.5, currency: 'EUR' }, ...extra,
});

async function makeHistory(demo: ConsoleDemo): Promise<void> {
  await demo.ingest([order(1), order(2), order(3), { type: 'identify', userId: 'user-1', messageId: 'identify-1', traits: { plan: 'pro' } }]);
  await waitFor('first orders settled', () => Object.values(demo.engine.queue.depths()).every((d) => d.queued === 0));
  demo.failing.add('/flaky');
  await demo.ingest([order(4), order(5)]);
  await waitFor('two dead letters', () => ['order-4', 'order-5'].every((id) => demo.engine.records.get('flaky', id)?.status === 'failed'));
  demo.failing.delete('/flaky');
  await demo.ingest([order(6), { type: 'track', userId: 'user-9', messageId: 'bad-1', properties: 'not an object' }]);
  await waitFor('deliveries settled', () => Object.values(demo.engine.queue.depths()).every((d) => d.queued === 0));
  for (const n of [1, 2]) {
    await fetch(`${demo.engine.url}/_sink/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order(n)) });
  }
  demo.writeCode('webhook', 'async function onTrack(event, settings) {\n  const body = JSON.stringify(event);\n  return fetch(settings.url, { method: "POST", body: body }\n}\n');
}

async function shoot(page: Page, name: string, width: number): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(300);
  const height = Math.min(MAX_HEIGHT, await page.evaluate(() => document.documentElement.scrollHeight));
  const file = join(OUT, `${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width, height } });
  console.log(`${file} ${Math.round(statSync(file).size / 1024)} KB`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const demo = await startConsoleDemo();
  const browser = await launchChromium();
  try {
    await signIn(browser.context, demo.engine);
    await makeHistory(demo);
    for (const width of WIDTHS) {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
      const go = async (hash: string) => {
        await page.goto(`${demo.engine.url}/${hash}`);
        await page.locator('h2').first().waitFor();
      };
      await go('#/functions');
      await page.getByText('reload failed').first().waitFor({ timeout: 15_000 });
      await shoot(page, 'functions', width);

      await go('#/run/shop');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await page.locator('#run-result-title').waitFor();
      await page.locator('.run-result details').first().click();
      await shoot(page, 'run', width);

      await go('#/deliveries');
      await page.locator('table.deliveries').waitFor();
      await shoot(page, 'deliveries', width);

      await go('#/deliveries/flaky/order-5');
      await page.locator('.attempts').waitFor();
      await shoot(page, 'delivery', width);

      await go('#/dlq');
      await page.locator('table.rows').first().waitFor();
      await shoot(page, 'dlq', width);

      await go('#/rejected');
      await page.locator('table.rows').waitFor();
      await shoot(page, 'rejected', width);

      await go('#/sink');
      await page.locator('table.rows').waitFor();
      await page.locator('table.rows summary').first().click();
      await shoot(page, 'sink', width);
      await page.close();
    }
  } finally {
    await browser.close();
    await demo.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

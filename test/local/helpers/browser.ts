/**
 * Real headless Chromium (Debian's `chromium`, driven by playwright-core: no browser is downloaded) and a page
 * server on 127.0.0.1 that serves @segment/analytics-next bundled by esbuild, as a site bundling it from npm does.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { REPO } from './functions';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface Browser { context: BrowserContext; close(): Promise<void> }

/** A fresh profile each time (nothing persisted from another run: analytics.js keeps ids and retries in localStorage). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does this)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'destfn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** `window.AnalyticsBrowser` from the installed @segment/analytics-next, as one script (dynamic imports inlined). */
export async function analyticsNextBundle(): Promise<string> {
  const result = await build({
    stdin: { contents: "import { AnalyticsBrowser } from '@segment/analytics-next'; window.AnalyticsBrowser = AnalyticsBrowser;", resolveDir: REPO, loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export interface PageServer { url: string; close(): Promise<void> }

/** `/` a blank page loading `/analytics.js` (the bundle). */
export async function startPageServer(bundle: string): Promise<PageServer> {
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>destfn analytics.js test</title>'
    + '<link rel="icon" href="data:,">'
    + '<script src="/analytics.js"></script></head><body>analytics.js test page</body></html>';
  const server = http.createServer((req, res) => {
    if (req.url === '/analytics.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

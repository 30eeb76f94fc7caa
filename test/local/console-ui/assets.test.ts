/**
 * The console page's shell and assets as the engine serves them: built from TypeScript by esbuild in memory, the
 * first load (shell + script + style) under 300 KB, nothing loaded from another host, the token and title escaped.
 */
import { consoleAssets, CONSOLE_ASSET_PATHS, renderConsoleShell } from '../../../runtime/local/console-ui';

const FIRST_LOAD_BUDGET_BYTES = 300 * 1024;

test('the script and style are built once and served from memory', async () => {
  const assets = await consoleAssets();
  expect([...assets.keys()].sort()).toEqual([CONSOLE_ASSET_PATHS.style, CONSOLE_ASSET_PATHS.script].sort());
  expect(assets.get(CONSOLE_ASSET_PATHS.script)!.type).toBe('text/javascript; charset=utf-8');
  expect(assets.get(CONSOLE_ASSET_PATHS.style)!.type).toBe('text/css; charset=utf-8');
  // Preact's render and the page's own code are in the bundle (not fetched from anywhere at run time).
  expect(assets.get(CONSOLE_ASSET_PATHS.script)!.body).toContain('/api/stream');
  expect(assets.get(CONSOLE_ASSET_PATHS.style)!.body).toContain('@media');
  expect(await consoleAssets()).toBe(assets);
}, 60_000);

test('first load: shell + assets under 300 KB, every reference on the engine itself', async () => {
  const shell = renderConsoleShell({ token: 'A'.repeat(43), title: 'destfn dev console' });
  const assets = await consoleAssets();
  const bytes = Buffer.byteLength(shell) + [...assets.values()].reduce((n, a) => n + Buffer.byteLength(a.body), 0);
  console.log(`console first load: ${bytes} bytes (shell ${Buffer.byteLength(shell)})`);
  expect(bytes).toBeLessThan(FIRST_LOAD_BUDGET_BYTES);
  const referenced = [...shell.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  expect(referenced.sort()).toEqual(['/console/app.css', '/console/app.js', 'data:,'].sort());
  for (const asset of assets.values()) expect(asset.body).not.toMatch(/(?:import\s*\(|@import|url\()\s*["']?(?:https?:)?\/\//);
});

test('the shell carries the token in its meta tag, escaped like the title, and a phone viewport', () => {
  const shell = renderConsoleShell({ token: 'tok"en<', title: 'a & <b>' });
  expect(shell).toContain('<meta name="destfn-token" content="tok&quot;en&lt;">');
  expect(shell).toContain('<title>a &amp; &lt;b&gt;</title>');
  expect(shell).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(shell).not.toContain('refresh');
});

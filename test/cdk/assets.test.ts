/** Lambda assets built with esbuild at synth (no Docker): real handlers, deterministic staging. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { bundleHandler, stageAsset } from '../../lib/asset-bundler';
import { DEFAULT_HANDLER_ENTRIES } from '../../lib/lambda-assets';

describe('stageAsset', () => {
  test('same files ⇒ same directory and bytes (stable asset hash); different files ⇒ another directory', () => {
    const files = { 'index.js': 'module.exports = 1;\n', 'function/settings.json': '{}\n' };
    const first = stageAsset(files);
    expect(stageAsset({ 'function/settings.json': '{}\n', 'index.js': 'module.exports = 1;\n' })).toBe(first);
    expect(readFileSync(join(first, 'function', 'settings.json'), 'utf8')).toBe('{}\n');
    expect(stageAsset({ ...files, 'index.js': 'module.exports = 2;\n' })).not.toBe(first);
  });

  test("a synth removes the staged folders no synth has used for a week, and keeps (and touches) the one it uses", () => {
    jest.isolateModules(() => {
      const bundler = require('../../lib/asset-bundler') as typeof import('../../lib/asset-bundler');
      const weekAndDay = new Date(Date.now() - bundler.STAGED_UNUSED_MAX_MS - 24 * 3600 * 1000);
      const stale = join(bundler.STAGING_ROOT, `stale-test-${process.pid}`);
      const recent = join(bundler.STAGING_ROOT, `recent-test-${process.pid}`);
      for (const dir of [stale, recent]) mkdirSync(dir, { recursive: true });
      utimesSync(stale, weekAndDay, weekAndDay);
      const reused = stageAsset({ 'index.js': `module.exports = 'reused ${process.pid}';\n` }); // staged by the other module instance
      const dayAgo = new Date(Date.now() - 24 * 3600 * 1000);
      utimesSync(reused, dayAgo, dayAgo);

      expect(bundler.stageAsset({ 'index.js': `module.exports = 'reused ${process.pid}';\n` })).toBe(reused);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(recent)).toBe(true);
      expect(existsSync(reused)).toBe(true);
      expect(Date.now() - statSync(reused).mtimeMs).toBeLessThan(60_000);
      rmSync(recent, { recursive: true, force: true });
    });
  });
});

describe.each([
  ['ingest', DEFAULT_HANDLER_ENTRIES.ingest],
  ['destination', DEFAULT_HANDLER_ENTRIES.destination],
])('the real %s handler bundle', (_kind, entry) => {
  let code: string;
  beforeAll(() => {
    code = bundleHandler(entry);
  }, 30_000);

  test('is one minified CommonJS file exporting handler, with the AWS SDK left to the Lambda runtime', () => {
    expect(existsSync(entry)).toBe(true);
    expect(code.length).toBeGreaterThan(1000);
    expect(code).toMatch(/require\("@aws-sdk\/client-[a-z-]+"\)/);
    expect(code).not.toMatch(/\bimport\s*\{/);
    // Evaluates the bundle's top level the way Lambda's CommonJS loader would, with the SDK stubbed.
    const module = { exports: {} as Record<string, unknown> };
    const sdk = new Proxy({}, { get: () => class {} });
    // Lambda has Node's built-ins and the AWS SDK v3, nothing else: any other require must be bundled.
    const requireStub = (id: string) => {
      if (id.startsWith('@aws-sdk/')) return sdk;
      if (isBuiltin(id)) return require(id);
      throw new Error(`bundle requires "${id}", which Lambda does not provide`);
    };
    const sandbox: Record<string, unknown> = { module, exports: module.exports, require: requireStub, process, console, Buffer, setTimeout, clearTimeout, setInterval, clearInterval, URL, TextEncoder, TextDecoder, AbortController, queueMicrotask, structuredClone, __filename: 'index.js', __dirname: '/var/task' };
    sandbox.global = sandbox; // Node's `global` (node-fetch reads it)
    runInNewContext(code, sandbox);
    expect(typeof module.exports.handler).toBe('function');
  });

  test('builds byte-identical output twice in a row (stable asset hash across synths)', () => {
    const build = () => createHash('sha256').update(require('esbuild').buildSync({
      entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true,
      external: ['@aws-sdk/*'], legalComments: 'none', write: false, logLevel: 'silent',
    }).outputFiles[0].text).digest('hex');
    expect(build()).toBe(build());
  });
});

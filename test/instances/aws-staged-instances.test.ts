/**
 * At synth a folder with instances gives one deployable function per instance; each is staged with its own
 * resolved config, committed settings and code version, and the destination Lambda's loader reads it back as that
 * instance (name `<folder>:<instance>`, its settings, its version), never another's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createFunctionLoader } from '../../runtime/aws/function-loader';
import { readResolvedFunction } from '../../runtime/aws/resolved-function';
import type { SegmentEvent } from '../../runtime/events/types';
import { readFunctionFolder } from '../../runtime/function';
import { destinationFunctionFiles, FUNCTION_DIR } from '../../lib/lambda-assets';
import { loadProjectFunctions } from '../../lib/function-discovery';

const CODE = 'async function onTrack(event, settings) { return { region: settings.region, keyEnd: settings.apiKey.slice(-6) }; }\n';
const CONFIG = {
  settings: { region: { type: 'string', required: true }, apiKey: { type: 'string', required: true, secret: true } },
  instances: {
    eu: { sources: ['web-eu'], settings: { region: 'eu-west-1' } },
    us: { sources: ['web-us'], settings: { region: 'us-east-1' } },
    lab: { deploy: false, settings: { region: 'local' } },
  },
};
const event = { type: 'track', event: 'x', userId: 'u', messageId: 'm1' } as SegmentEvent;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'destfn-staged-instances-'));
  const dir = join(root, 'functions', 'shop');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), CODE);
  writeFileSync(join(dir, 'function.json'), JSON.stringify(CONFIG));
  writeFileSync(join(dir, 'settings.local.json'), JSON.stringify({ eu: { apiKey: 'sk-local-eu-only' } }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function stage(files: Record<string, string>, name: string): string {
  const taskRoot = join(root, 'staged', name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(taskRoot, path)), { recursive: true });
    writeFileSync(join(taskRoot, path), text);
  }
  return join(taskRoot, FUNCTION_DIR);
}

test('each deployed instance is staged as itself: name, sources, committed settings and version', async () => {
  const { deployable, localOnly } = loadProjectFunctions(join(root, 'functions'));
  expect(deployable.map((fn) => [fn.definition.name, fn.id])).toEqual([['shop:eu', 'ShopEu'], ['shop:us', 'ShopUs']]);
  expect(localOnly.map((def) => def.name)).toEqual(['shop:lab']);
  const versions = Object.fromEntries(readFunctionFolder(join(root, 'functions', 'shop')).map((def) => [def.name, def.version]));

  for (const fn of deployable) {
    const files = destinationFunctionFiles(fn);
    expect(Object.values(files).join('\n')).not.toContain('sk-local'); // settings.local.json never reaches AWS
    const dir = stage(files, fn.id);
    const staged = readResolvedFunction(dir);
    expect(staged.name).toBe(fn.definition.name);
    expect(staged.version).toBe(versions[fn.definition.name]);
    expect(staged.config.sources).toEqual(fn.definition.config.sources);

    const secretOfThisInstance = { apiKey: `sk-aws-${fn.id}` }; // the result shows its last 6 characters (the id): a whole key would be redacted
    const loader = createFunctionLoader({ dir, secretArn: `arn:${fn.id}`, readSecret: async (arn) => (arn === `arn:${fn.id}` ? secretOfThisInstance : {}) });
    const outcome = await (await loader.instance()).invoke(event);
    expect(outcome.result).toEqual({ region: fn.definition.instance!.settings.region, keyEnd: fn.id });
  }
});

/**
 * The destination Lambda reads its function from function.resolved.json (staged at synth), never function.json:
 * no zod at cold start. A missing or damaged file fails clearly, naming it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFunctionLoader } from '../../runtime/aws/function-loader';
import { readResolvedFunction, renderResolvedFunction, RESOLVED_FUNCTION_FILE } from '../../runtime/aws/resolved-function';
import { FunctionConfigError } from '../../runtime/api/errors';
import type { SegmentEvent } from '../../runtime/events/types';
import { parseFunctionConfig } from '../../runtime/function/config';
import { renderPrebuiltSource } from '../../runtime/source/prebuilt';
import { tempRoot, writeFunctionDir } from './support/function-dir';

const CODE = 'async function onTrack(event, settings) { return { channel: settings.channel, tags: settings.tags }; }\n';
const FUNCTION_JSON = {
  settings: { channel: { type: 'string', required: true }, tags: { type: 'array', secret: true } },
  retry: { attempts: 3, windowHours: 1 },
};
const event = { type: 'track', event: 'x', userId: 'u', messageId: 'm1' } as SegmentEvent;

let root: string;
let count = 0;
beforeAll(() => { root = tempRoot('destfn-resolved-'); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A staged folder named `function`, as on Lambda (/var/task/function), for the function `name`. */
function stagedDir(name: string, resolvedText?: string): string {
  const dir = join(root, String(++count), 'function');
  mkdirSync(dir, { recursive: true });
  const filename = join(dir, 'index.js');
  writeFileSync(filename, renderPrebuiltSource({ style: 'script', code: CODE, filename }));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ channel: 'ops' }));
  const config = parseFunctionConfig(FUNCTION_JSON, 'function.json');
  writeFileSync(join(dir, RESOLVED_FUNCTION_FILE), resolvedText ?? renderResolvedFunction({ name, config }));
  return dir;
}

function withResolved(edit: (resolved: { format: unknown; name: unknown; config: Record<string, unknown> }) => void): string {
  const resolved = JSON.parse(renderResolvedFunction({ name: 'orders', config: parseFunctionConfig(FUNCTION_JSON, 'function.json') }));
  edit(resolved);
  return stagedDir('orders', JSON.stringify(resolved));
}

describe('readResolvedFunction', () => {
  it('gives the config synth resolved, the function name synth knew (not the folder name) and the prebuilt code', () => {
    const def = readResolvedFunction(stagedDir('orders'));
    expect(def.name).toBe('orders');
    expect(def.config).toEqual(parseFunctionConfig(FUNCTION_JSON, 'function.json'));
    expect(def.config.settings.apiKey).toEqual({ type: 'string', required: false, secret: true });
    expect(def.source).toMatchObject({ style: 'script', code: CODE });
  });

  it('does not read function.json: the Lambda trusts what synth validated', () => {
    const dir = stagedDir('orders');
    writeFileSync(join(dir, 'function.json'), '{ "retry": "not even valid', 'utf8');
    expect(readResolvedFunction(dir).config.retry).toEqual({ attempts: 3, windowHours: 1 });
  });

  it('fails naming the file when it is missing (a folder not staged by synth)', () => {
    const dir = writeFunctionDir(root, { name: 'unstaged', code: CODE, functionJson: FUNCTION_JSON, settings: {} });
    rmSync(join(dir, RESOLVED_FUNCTION_FILE));
    expect(() => readResolvedFunction(dir)).toThrow(FunctionConfigError);
    expect(() => readResolvedFunction(dir)).toThrow(/function\.resolved\.json: missing; a function folder must be staged by `cdk synth`/);
  });

  it('fails naming the file when it is not JSON (truncated upload)', () => {
    const dir = stagedDir('orders', '{"format":1,"name":"orders","con');
    expect(() => readResolvedFunction(dir)).toThrow(/function\.resolved\.json: invalid JSON/);
  });

  it.each([
    ['(root)', () => stagedDir('orders', '[]')],
    ['format', () => withResolved((r) => { r.format = 2; })],
    ['name', () => withResolved((r) => { r.name = ''; })],
    ['config', () => withResolved((r) => { r.config = 'x' as never; })],
    ['config.retry', () => withResolved((r) => { delete r.config.retry; })],
    ['config.timeoutSeconds', () => withResolved((r) => { r.config.timeoutSeconds = '5'; })],
    ['config.drop', () => withResolved((r) => { r.config.drop = [1]; })],
    ['config.onUnknownError', () => withResolved((r) => { r.config.onUnknownError = 'explode'; })],
    ['config.deploy', () => withResolved((r) => { delete r.config.deploy; })],
    ['config.settings', () => withResolved((r) => { r.config.settings = { channel: { type: 'string' } }; })],
  ])('fails naming the field when it does not have the shape synth writes: %s', (field, makeDir) => {
    const dir = makeDir();
    expect(() => readResolvedFunction(dir)).toThrow(`field "${field}" is not as \`cdk synth\` writes it`);
  });
});

describe('createFunctionLoader on a staged folder', () => {
  it('loads from function.resolved.json, with the real function name in errors', async () => {
    const loader = createFunctionLoader({ dir: stagedDir('orders'), secretArn: 'arn', readSecret: async () => ({}) });
    expect(loader.definition().name).toBe('orders');
    expect(loader.definition().config.retry).toEqual({ attempts: 3, windowHours: 1 });
    expect((await (await loader.instance()).invoke(event)).result).toEqual({ channel: 'ops' });

    const missing = createFunctionLoader({ dir: join(root, 'nowhere'), secretArn: 'arn', readSecret: async () => ({}) });
    await expect(missing.instance()).rejects.toThrow(/function\.resolved\.json: missing/);
  });

  it('keeps one instance while the secret values are equal (fresh objects each read), a new one when one changes', async () => {
    let tags = ['tag-secret-one', 'tag-secret-two'];
    const loader = createFunctionLoader({ dir: stagedDir('orders'), secretArn: 'arn', readSecret: async () => ({ tags: [...tags], other: Math.random() }) });
    const first = await loader.instance();
    expect(await loader.instance()).toBe(first);
    expect((await first.invoke(event)).result).toEqual({ channel: 'ops', tags: ['[REDACTED]', '[REDACTED]'] });

    tags = ['tag-secret-one', 'tag-secret-three'];
    const second = await loader.instance();
    expect(second).not.toBe(first);
    expect(await loader.instance()).toBe(second);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFunctionDefinition } from '../../runtime/function/definition';
import { createFunctionInstance } from '../../runtime/function/instance';
import { resolveSettings } from '../../runtime/settings/resolve';
import { renderPrebuiltSource } from '../../runtime/source/prebuilt';
import { TmpFunctions } from './support/tmp-function';
import { sample, track } from './support/events';

const tmp = new TmpFunctions();
afterAll(() => tmp.cleanup());

const typedFunction = `
import { defineFunction, RetryError, InvalidEventPayload, type TrackEvent, type IdentifyEvent } from 'destfn';
import _ from 'lodash';
import { createHash } from 'node:crypto';

function summary(event: TrackEvent, channel: string): string {
  return \`\${event.event} → #\${channel}\`;
}

export default defineFunction({
  settings: {
    channel: { type: 'string', default: 'general' },
    events: { type: 'array' },
    apiKey: { type: 'string', secret: true, required: true },
  },
  async onTrack(event, settings) {
    if (settings.events && !settings.events.includes(event.event)) throw new InvalidEventPayload('not subscribed');
    if (event.properties?.fail) throw new RetryError('asked to fail');
    const total: number = _.sumBy(event.properties?.products as { price: number }[] ?? [], 'price');
    return {
      text: summary(event, settings.channel),
      total,
      auth: btoa(settings.apiKey + ':').length > 0,
      hash: createHash('sha1').update('x').digest('hex').slice(0, 6),
      globals: [typeof fetch, typeof _.chunk, typeof process, typeof require],
      nodeEnv: process.env.NODE_ENV,
    };
  },
  onIdentify(event: IdentifyEvent) {
    return event.traits ?? null;
  },
});
`;

describe('module style', () => {
  const config = {
    settings: {
      channel: { type: 'string', default: 'general' },
      events: { type: 'array' },
      apiKey: { type: 'string', secret: true, required: true },
    },
  };

  test('TypeScript with a typed defineFunction, an npm import (lodash) and the destfn error classes', async () => {
    const instance = tmp.instance({ 'function.json': config, 'index.ts': typedFunction }, { apiKey: 'key-123456' });
    expect(instance.definition.source.style).toBe('module');
    const outcome = await instance.invoke(track({ properties: { products: [{ price: 2 }, { price: 3.5 }] } }));
    expect(outcome).toMatchObject({
      status: 'delivered',
      result: {
        text: 'Order Completed → #general',
        total: 5.5,
        auth: true,
        hash: '11f6ad',
        globals: ['function', 'function', 'undefined', 'function'],
        nodeEnv: 'production',
      },
    });
    expect(await instance.invoke(track({ properties: { fail: true } }))).toMatchObject({ status: 'retry', reason: 'retry-error' });
    expect((await instance.invoke(sample('identify', { traits: { plan: 'pro' } }))).result).toEqual({ plan: 'pro' });
    expect((await instance.invoke(sample('page'))).reason).toBe('unsupported');
  });

  test("the bundled error classes (imported from 'destfn') are classified like the globals", async () => {
    const instance = tmp.instance(
      { 'function.json': config, 'index.ts': typedFunction },
      { apiKey: 'key-123456', events: ['Signed Up'] },
    );
    expect(await instance.invoke(track())).toMatchObject({ status: 'discarded', reason: 'invalid-event', error: { name: 'InvalidEventPayload', message: 'not subscribed' } });
  });

  test("named exports (.js, ES module), '@destfn/runtime' alias, module state", async () => {
    const instance = tmp.instance({
      'index.js': `
        import { ValidationError } from '@destfn/runtime';
        let calls = 0;
        export async function onTrack(event, settings) {
          calls++;
          if (!settings.apiKey) throw new ValidationError('apiKey missing');
          return calls;
        }
        export const onPage = () => 'page!';`,
    });
    expect(await instance.invoke(track())).toMatchObject({ status: 'discarded', reason: 'invalid-settings', error: { name: 'ValidationError' } });
    expect(await instance.invoke(track())).toMatchObject({ error: { name: 'ValidationError' } });
    expect((await instance.invoke(sample('page'))).result).toBe('page!');
  });

  test('defineFunction settings must agree with function.json', () => {
    const mismatched = { settings: { channel: { type: 'boolean' }, apiKey: { type: 'string', secret: true } } };
    const dir = tmp.folder({ 'function.json': mismatched, 'index.ts': typedFunction }, 'mismatch');
    const def = readFunctionDefinition(dir);
    expect(() => createFunctionInstance(def, resolveSettings(def, { apiKey: 'key-123456' })))
      .toThrow('function "mismatch": setting "channel" has type "string" in defineFunction but "boolean" in function.json');
  });

  test('a defineFunction setting written as a bare type name says how to declare it', () => {
    const dir = tmp.folder({
      'function.json': { settings: { url: { type: 'string', required: true } } },
      'index.ts': `import { defineFunction } from 'destfn';\nexport default defineFunction({ settings: { url: 'string' } as any, onTrack: () => 1 });`,
    }, 'bare');
    const def = readFunctionDefinition(dir);
    expect(() => createFunctionInstance(def, resolveSettings(def, { url: 'http://127.0.0.1:1/' })))
      .toThrow('function "bare": setting "url" in defineFunction must be declared as in function.json, e.g. { type: "string" }, not "string"');
  });

  test('a prebuilt source (as written for Lambda) loads without esbuild and behaves the same', async () => {
    const original = readFunctionDefinition(tmp.folder({ 'function.json': config, 'index.ts': typedFunction }, 'original'));
    const prebuiltDir = tmp.folder({ 'function.json': config }, 'prebuilt');
    writeFileSync(join(prebuiltDir, 'index.js'), renderPrebuiltSource(original.source));
    const def = readFunctionDefinition(prebuiltDir);
    expect(def.source).toEqual({ style: 'module', code: original.source.code, filename: join(prebuiltDir, 'index.js') });
    expect(readFileSync(join(prebuiltDir, 'index.js'), 'utf8')).toMatch(/^\/\/ destfn-prebuilt style=module\n/);
    const outcome = await createFunctionInstance(def, resolveSettings(def, { apiKey: 'key-123456' })).invoke(track());
    expect(outcome.result).toMatchObject({ text: 'Order Completed → #general' });
  });

  test('a script with a top-level `this` stays script style', () => {
    const def = readFunctionDefinition(tmp.folder({ 'index.js': 'var root = this; async function onTrack() {}' }));
    expect(def.source.style).toBe('script');
  });

  test('a TypeScript script that only imports types from destfn stays a (sloppy) script', async () => {
    const instance = tmp.instance({
      'index.ts': `import type { TrackEvent } from 'destfn';
        import { type Settings } from 'destfn';
        async function onTrack(event: TrackEvent, settings: Settings) { undeclared = event.event; return undeclared; }`,
    });
    expect(instance.definition.source.style).toBe('script');
    expect((await instance.invoke(track())).result).toBe('Order Completed');
  });
});

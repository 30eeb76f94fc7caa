import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionConfigError } from '../../runtime/api/errors';
import { discoverFunctions, readFunctionDefinition } from '../../runtime/function/definition';
import { TmpFunctions } from './support/tmp-function';
import { track } from './support/events';

const tmp = new TmpFunctions();
afterAll(() => tmp.cleanup());

const SCRIPT = 'async function onTrack(event) { return event.event; }';

function loadError(files: Record<string, string | object>, name?: string): Error {
  try {
    readFunctionDefinition(tmp.folder(files, name));
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the folder to be rejected');
}

describe('readFunctionDefinition', () => {
  test('a folder without function.json gets the defaults', () => {
    const def = readFunctionDefinition(tmp.folder({ 'index.js': SCRIPT }, 'defaults'));
    expect(def.name).toBe('defaults');
    expect(def.source.style).toBe('script');
    expect(def.source.code).toBe(SCRIPT); // a .js script is used byte for byte
    expect(def.config).toMatchObject({
      settings: { apiKey: { type: 'string', secret: true, required: false } },
      timeoutSeconds: 5,
      drop: [],
      onUnknownError: 'retry',
    });
    expect(def.config.sources).toBeUndefined();
    expect(def.config.filter).toBeUndefined();
  });

  test.each([
    ['a wrong type', { timeoutSeconds: 'soon' }, /function\.json: field "timeoutSeconds": /],
    ['an unknown field', { timeout: 5 }, /function\.json: field "\(root\)": .*timeout/],
    ['a bad setting type', { settings: { x: { type: 'number' } } }, /function\.json: field "settings\.x\.type": /],
    ['a bad onUnknownError', { onUnknownError: 'ignore' }, /function\.json: field "onUnknownError": /],
    ['a non-boolean deploy', { deploy: 'no' }, /function\.json: field "deploy": /],
  ])('function.json with %s names the file and the field', (_label, config, message) => {
    const err = loadError({ 'function.json': config, 'index.js': SCRIPT });
    expect(err).toBeInstanceOf(FunctionConfigError);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(join(tmp.root));
  });

  test('function.json that is not JSON names the file', () => {
    const err = loadError({ 'function.json': '{ "timeoutSeconds": 5, }', 'index.js': SCRIPT });
    expect(err.message).toMatch(/fn\d+\/function\.json: invalid JSON: /);
  });

  test('an invalid filter is an error naming the function', () => {
    const err = loadError({ 'function.json': { filter: 'type = ' }, 'index.js': SCRIPT }, 'filtered');
    expect(err).toBeInstanceOf(FunctionConfigError);
    expect(err.message).toMatch(/^function "filtered": invalid filter/);
  });

  test('a syntax error names the file, line and column', () => {
    const err = loadError({ 'index.ts': 'const a: number = 1;\nasync function onTrack( {\n}' });
    expect(err).toBeInstanceOf(FunctionConfigError);
    expect(err.message).toMatch(/fn\d+\/index\.ts:\d+:\d+: /);
  });

  test('no source, two sources, a bad folder name', () => {
    expect(loadError({ 'function.json': {} }).message).toMatch(/fn\d+: no index\.js or index\.ts$/);
    expect(loadError({ 'index.js': SCRIPT, 'index.ts': SCRIPT }).message).toMatch(/both index\.ts and index\.js exist/);
    expect(loadError({ 'index.js': SCRIPT }, 'has space').message).toMatch(/function name "has space" may only use/);
  });

  test('code that throws at load, or defines no handler, fails at instance creation naming the function', () => {
    expect(() => tmp.instance({ 'index.js': 'throw new Error("top-level boom");' }, {}, 'thrower'))
      .toThrow(/^function "thrower": .*index\.js failed to load: Error: top-level boom$/);
    expect(() => tmp.instance({ 'index.js': 'function helper() {}' }, {}, 'empty'))
      .toThrow(/^function "empty": .*index\.js defines no handler/);
  });
});

describe('discoverFunctions', () => {
  test('subfolders with index.js|index.ts, sorted; others ignored; a missing folder has none', () => {
    const root = join(tmp.root, 'functions');
    for (const [name, file] of [['zeta', 'index.js'], ['alpha', 'index.ts'], ['mid', 'index.js']]) {
      mkdirSync(join(root, name), { recursive: true });
      writeFileSync(join(root, name, file), SCRIPT);
    }
    mkdirSync(join(root, 'notes'));
    writeFileSync(join(root, 'notes', 'README.md'), '#');
    writeFileSync(join(root, 'stray.js'), SCRIPT);
    expect(discoverFunctions(root).map((d) => d.name)).toEqual(['alpha', 'mid', 'zeta']);
    expect(discoverFunctions(join(tmp.root, 'nope'))).toEqual([]);
  });

  test('a link to a folder is a function folder under the link\'s name; a link to a file or to nothing is not', () => {
    const root = join(tmp.root, 'linked-functions');
    const outside = join(tmp.root, 'outside');
    mkdirSync(join(outside, 'kept-elsewhere'), { recursive: true });
    writeFileSync(join(outside, 'kept-elsewhere', 'index.js'), SCRIPT);
    mkdirSync(join(root, 'own'), { recursive: true });
    writeFileSync(join(root, 'own', 'index.js'), SCRIPT);
    symlinkSync(join(outside, 'kept-elsewhere'), join(root, 'shared'));
    symlinkSync(join(outside, 'kept-elsewhere', 'index.js'), join(root, 'file-link'));
    symlinkSync(join(outside, 'gone'), join(root, 'dangling'));
    const defs = discoverFunctions(root);
    expect(defs.map((d) => d.name)).toEqual(['own', 'shared']);
    expect(defs[1].dir).toBe(join(root, 'shared'));
  });
});

describe('privacy controls and event copies', () => {
  test('dropped paths are absent from what the handler sees; the caller\'s event is untouched', async () => {
    const instance = tmp.instance({
      'function.json': { drop: ['context.ip', 'properties.email', 'traits'] },
      'index.js': `async function onTrack(event) {
        const seen = { ip: 'ip' in event.context, email: 'email' in event.properties, traits: 'traits' in event, total: event.properties.total };
        event.properties.total = 0; delete event.context; // mutations stay inside the function
        return seen;
      }`,
    });
    const event = track({ properties: { total: 10, email: 'a@b.c' }, traits: { x: 1 } });
    const before = JSON.stringify(event);
    expect((await instance.invoke(event)).result).toEqual({ ip: false, email: false, traits: false, total: 10 });
    expect(JSON.stringify(event)).toBe(before);
  });

  test('without drop paths the handler still gets a copy, and settings cannot be changed for later events', async () => {
    const instance = tmp.instance({
      'function.json': { settings: { channel: { type: 'string', default: 'general' } } },
      'index.js': `async function onTrack(event, settings) {
        const seen = settings.channel; settings.channel = 'hacked'; event.userId = 'changed';
        return [seen, event.properties instanceof Object];
      }`,
    });
    const event = track();
    expect((await instance.invoke(event)).result).toEqual(['general', true]);
    expect((await instance.invoke(event)).result).toEqual(['general', true]);
    expect(event.userId).toBe('user-1');
  });
});

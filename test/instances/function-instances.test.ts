/** A folder declaring `instances` reads as one definition per instance, each with its own config, committed settings and version. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverFunctions, readFunctionFolder } from '../../runtime/function';
import { loadAllFunctions } from '../../runtime/local/loader';
import { readLocalSettingValues, writeLocalSettingValues } from '../../runtime/settings';
import { loadProjectFunctions } from '../../lib/function-discovery';
import { TmpFunctions } from '../runtime/support/tmp-function';

const tmp = new TmpFunctions();
afterAll(() => tmp.cleanup());

const CODE = 'async function onTrack(event, settings) { return settings.region; }';
const SETTINGS = {
  region: { type: 'string', required: true },
  apiKey: { type: 'string', required: true, secret: true },
};
const CONFIG = {
  sources: ['web'],
  filter: 'type = "track"',
  drop: ['context.ip'],
  settings: SETTINGS,
  instances: {
    eu: { sources: ['web-eu'], settings: { region: 'eu-west-1' } },
    us: { filter: 'event = "Order Completed"', drop: [], retry: { attempts: 3, windowHours: 1 }, settings: { region: 'us-east-1' } },
  },
};

function folder(config: object = CONFIG, extra: Record<string, string | object> = {}, name?: string): string {
  return tmp.folder({ 'index.js': CODE, 'function.json': config, ...extra }, name);
}

function errorOf(read: () => unknown): string {
  try { read(); } catch (err) { return (err as Error).message; }
  throw new Error('expected an error');
}

describe('readFunctionFolder', () => {
  test('a folder without instances is one function named after the folder, as before', () => {
    const [def, ...rest] = readFunctionFolder(folder({ settings: SETTINGS }, {}, 'plain'));
    expect(rest).toEqual([]);
    expect(def.name).toBe('plain');
    expect(def.instance).toBeUndefined();
    expect(def.version).toMatch(/^[0-9a-f]{12}$/);
  });

  test('instances become <folder>:<instance>, each with its overrides over the folder config', () => {
    const defs = readFunctionFolder(folder(CONFIG, {}, 'shop'));
    expect(defs.map((d) => d.name)).toEqual(['shop:eu', 'shop:us']);
    const [eu, us] = defs;
    expect(eu.config).toMatchObject({ sources: ['web-eu'], filter: 'type = "track"', drop: ['context.ip'], retry: { attempts: 10 } });
    expect(us.config).toMatchObject({ sources: ['web'], filter: 'event = "Order Completed"', drop: [], retry: { attempts: 3, windowHours: 1 } });
    expect(eu.config.instances).toBeUndefined();
    expect(eu.instance).toEqual({ name: 'eu', settings: { region: 'eu-west-1' } });
    expect(us.instance).toEqual({ name: 'us', settings: { region: 'us-east-1' } });
    expect(eu.source).toBe(us.source); // one code, read once
    expect(eu.version).not.toBe(us.version);
  });

  test('discoverFunctions lists every instance of every folder', () => {
    const root = join(tmp.root, 'project');
    tmp.folder({ 'index.js': CODE, 'function.json': CONFIG }, 'project/shop');
    tmp.folder({ 'index.js': CODE }, 'project/alone');
    expect(discoverFunctions(root).map((d) => d.name)).toEqual(['alone', 'shop:eu', 'shop:us']);
  });

  test.each([
    ['an instance name with ":"', { instances: { 'e:u': {} } }, /field "instances\.e:u": an instance name may only use letters, digits/],
    ['an instance name with "#"', { instances: { 'eu#': {} } }, /an instance name may only use letters, digits/],
    ['an unknown instance field', { instances: { eu: { timeout: 3 } } }, /field "instances\.eu": .*timeout/],
    ['no instance at all', { instances: {} }, /field "instances": declare at least one instance/],
    ['an invalid instance filter', { instances: { eu: { filter: 'type = ' } } }, /function "[^"]+:eu": invalid filter/],
  ])('%s is an error naming the field', (_label, config, expected) => {
    expect(errorOf(() => readFunctionFolder(folder(config)))).toMatch(expected);
  });

  test('a secret value committed in function.json is an error naming the instance, never the value', () => {
    const config = { settings: SETTINGS, instances: { eu: { settings: { apiKey: 'sk-committed-by-mistake' } } } };
    const message = errorOf(() => readFunctionFolder(folder(config, {}, 'leaky')));
    expect(message).toMatch(/field "instances\.eu\.settings\.apiKey": secret settings must not be committed; set it with `destfn secrets set leaky:eu apiKey=…`/);
    expect(message).not.toContain('sk-committed');
  });
});

describe('code version', () => {
  const versionOf = (dir: string, i = 0) => readFunctionFolder(dir)[i].version;

  test('the same folder gives the same version; code, config, committed settings and instance settings change it', () => {
    const dir = folder({ settings: SETTINGS }, { 'settings.json': { region: 'a' } }, 'versioned');
    const v1 = versionOf(dir);
    expect(versionOf(dir)).toBe(v1);
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ region: 'b' }));
    const v2 = versionOf(dir);
    writeFileSync(join(dir, 'function.json'), JSON.stringify({ settings: SETTINGS, timeoutSeconds: 7 }));
    const v3 = versionOf(dir);
    writeFileSync(join(dir, 'index.js'), `${CODE}\n// edited`);
    const v4 = versionOf(dir);
    expect(new Set([v1, v2, v3, v4]).size).toBe(4);
  });

  test('local values (settings.local.json, secrets) are not part of it', () => {
    const dir = folder({ settings: SETTINGS }, { 'settings.json': { region: 'a' } });
    const before = versionOf(dir);
    writeFileSync(join(dir, 'settings.local.json'), JSON.stringify({ apiKey: 'sk-local-secret', region: 'z' }));
    expect(versionOf(dir)).toBe(before);
  });
});

describe('local settings of instances', () => {
  test('each instance reads settings.json, its function.json values and its own section of settings.local.json only', () => {
    const dir = folder(CONFIG, {
      'settings.json': { region: 'shared-default' },
      'settings.local.json': { eu: { apiKey: 'sk-eu-secret' }, us: { apiKey: 'sk-us-secret', region: 'us-local' } },
    });
    const [eu, us] = readFunctionFolder(dir);
    expect(readLocalSettingValues(dir, eu.instance)).toEqual({ region: 'eu-west-1', apiKey: 'sk-eu-secret' });
    expect(readLocalSettingValues(dir, us.instance)).toEqual({ region: 'us-local', apiKey: 'sk-us-secret' });
  });

  test('flat values in settings.local.json of a folder with instances are an error saying where they go, not what they are', () => {
    const dir = folder(CONFIG, { 'settings.local.json': { apiKey: 'sk-flat-secret' } });
    const [eu] = readFunctionFolder(dir);
    const message = errorOf(() => readLocalSettingValues(dir, eu.instance));
    expect(message).toMatch(/settings\.local\.json: field "apiKey": the function declares instances \(eu, us\); put each instance's values under its name/);
    expect(message).not.toContain('sk-flat');
    expect(errorOf(() => readLocalSettingValues(dir))).toMatch(/declares instances \(eu, us\): name one/);
  });

  test('writing one instance leaves the other sections as they were, in a file only the owner reads', () => {
    const dir = folder(CONFIG, { 'settings.local.json': { us: { apiKey: 'sk-us-secret' } } });
    const file = writeLocalSettingValues(dir, { apiKey: 'sk-eu-new' }, 'eu');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ us: { apiKey: 'sk-us-secret' }, eu: { apiKey: 'sk-eu-new' } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(errorOf(() => writeLocalSettingValues(dir, { apiKey: 'x' }, 'asia'))).toMatch(/it has no instance "asia"/);
    expect(errorOf(() => writeLocalSettingValues(dir, { apiKey: 'x' }))).toMatch(/name one/);
  });
});

describe('a missing required setting names the instance', () => {
  const project = () => {
    const root = join(tmp.root, `missing-${Math.random().toString(36).slice(2)}`);
    tmp.folder({
      'index.js': CODE,
      'function.json': { settings: SETTINGS, instances: { eu: { settings: { region: 'eu-west-1' } }, us: {} } },
      'settings.local.json': { eu: { apiKey: 'sk-eu-secret' }, us: { apiKey: 'sk-us-secret' } },
    }, `${root.slice(tmp.root.length + 1)}/shop`);
    return root;
  };

  test('at engine start (npm start)', () => {
    expect(() => loadAllFunctions(project())).toThrow('function "shop:us": setting "region" is required');
  });

  test('at cdk synth', () => {
    expect(() => loadProjectFunctions(project())).toThrow('function "shop:us": setting "region" is required');
  });
});

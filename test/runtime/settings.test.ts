import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionConfigError } from '../../runtime/api/errors';
import { readFunctionDefinition } from '../../runtime/function/definition';
import { jsonErrorReason, readJsonFile } from '../../runtime/settings/json-file';
import { readLocalSettingValues } from '../../runtime/settings/local';
import { resolveSettings, secretValues } from '../../runtime/settings/resolve';
import { TmpFunctions } from './support/tmp-function';

const tmp = new TmpFunctions();
afterAll(() => tmp.cleanup());

const CONFIG = {
  settings: {
    apiKey: { type: 'string', required: true, secret: true },
    channel: { type: 'string', default: 'general' },
    verbose: { type: 'boolean', default: false },
    events: { type: 'array' },
    mapping: { type: 'map' },
    tokens: { type: 'array', secret: true },
  },
};

const definition = (name = 'teams', config: object = CONFIG) =>
  readFunctionDefinition(tmp.folder({ 'function.json': config, 'index.js': 'async function onTrack() {}' }, name));

describe('resolveSettings', () => {
  test('defaults and types', () => {
    const settings = resolveSettings(definition(), { apiKey: 'k-1234', events: ['Order Completed'], mapping: { a: 'b' } });
    expect(settings).toEqual({ apiKey: 'k-1234', channel: 'general', verbose: false, events: ['Order Completed'], mapping: { a: 'b' } });
  });

  test('string values from the command line are converted where unambiguous', () => {
    const settings = resolveSettings(definition(), { apiKey: 'k-1234', verbose: 'true', events: '["a","b"]', mapping: '{"x":"y"}' });
    expect(settings).toMatchObject({ verbose: true, events: ['a', 'b'], mapping: { x: 'y' } });
  });

  test.each([
    [{}, 'function "teams": setting "apiKey" is required'],
    [{ apiKey: '' }, 'function "teams": setting "apiKey" is required'],
    [{ apiKey: 'k-1234', channel: 5 }, 'function "teams": setting "channel" must be a string'],
    [{ apiKey: 'k-1234', verbose: 'yes' }, 'function "teams": setting "verbose" must be a boolean'],
    [{ apiKey: 'k-1234', events: ['a', 1] }, 'function "teams": setting "events" must be an array of strings'],
    [{ apiKey: 'k-1234', mapping: ['a'] }, 'function "teams": setting "mapping" must be a map (object) of strings'],
    [{ apiKey: 'k-1234', chanel: 'typo' }, 'function "teams": setting "chanel" is not declared in function.json (declared: apiKey, channel, verbose, events, mapping, tokens)'],
  ])('%j → %s', (values, message) => {
    const def = definition();
    expect(() => resolveSettings(def, values)).toThrow(new FunctionConfigError(message));
  });

  test('ignoreUnknown: values of undeclared settings are dropped', () => {
    expect(resolveSettings(definition(), { apiKey: 'k-1234', removedSetting: 'x' }, { ignoreUnknown: true }))
      .toEqual({ apiKey: 'k-1234', channel: 'general', verbose: false });
  });

  test('errors never include the value', () => {
    expect(() => resolveSettings(definition(), { apiKey: 12345678 })).toThrow(/^function "teams": setting "apiKey" must be a string$/);
  });

  test('requireSecrets: false allows a missing required secret, not a missing required plain setting', () => {
    expect(resolveSettings(definition(), {}, { requireSecrets: false })).toEqual({ channel: 'general', verbose: false });
    const def = definition('plain', { settings: { url: { type: 'string', required: true } } });
    expect(() => resolveSettings(def, {}, { requireSecrets: false })).toThrow('function "plain": setting "url" is required');
  });

  test('a required array must not be empty; a wrongly typed default is reported', () => {
    const def = definition('req', { settings: { events: { type: 'array', required: true }, flag: { type: 'boolean', default: 'nope' } } });
    expect(() => resolveSettings(def, { events: [] })).toThrow('function "req": setting "events" is required');
    expect(() => resolveSettings(def, { events: ['a'] })).toThrow('function "req": setting "flag" must be a boolean');
  });
});

describe('secretValues', () => {
  test('string secrets and each string element of array/map secrets; never plain settings', () => {
    const def = definition('sec', { settings: { ...CONFIG.settings, hdrs: { type: 'map', secret: true } } });
    const settings = resolveSettings(def, { apiKey: 'k-1234', tokens: ['t-1', 't-2'], hdrs: { a: 'h-1' }, channel: 'public' });
    expect(secretValues(def, settings)).toEqual(['k-1234', 't-1', 't-2', 'h-1']);
  });
});

describe('readLocalSettingValues', () => {
  test('settings.local.json overrides settings.json; no files → {}', () => {
    const dir = tmp.folder({
      'function.json': CONFIG,
      'index.js': 'async function onTrack() {}',
      'settings.json': { channel: 'alerts', verbose: true },
      'settings.local.json': { apiKey: 'local-key', verbose: false },
    });
    expect(readLocalSettingValues(dir)).toEqual({ channel: 'alerts', verbose: false, apiKey: 'local-key' });
    expect(readLocalSettingValues(tmp.folder({ 'index.js': '' }))).toEqual({});
  });

  test('a secret value in the committed settings.json is an error naming the file and field (not the value)', () => {
    const dir = tmp.folder({ 'function.json': CONFIG, 'settings.json': { apiKey: 'oops-committed' } });
    expect(() => readLocalSettingValues(dir)).toThrow(/settings\.json: field "apiKey": secret settings must not be committed/);
    expect(() => readLocalSettingValues(dir)).not.toThrow(/oops-committed/);
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ apiKey: '' }));
    expect(readLocalSettingValues(dir)).toEqual({ apiKey: '' });
  });

  test('malformed files name the file', () => {
    const dir = tmp.folder({ 'settings.local.json': '{ nope' });
    expect(() => readLocalSettingValues(dir)).toThrow(/settings\.local\.json: invalid JSON/);
    const arrayDir = tmp.folder({ 'settings.json': '[1]' });
    expect(() => readLocalSettingValues(arrayDir)).toThrow(/settings\.json: field "\(root\)": expected an object/);
  });
});

describe('readJsonFile', () => {
  test('a missing file is named; a mistake is told by its kind and position, an unexpected character without quoting it', () => {
    const dir = tmp.folder({ 'a.json': '{"key": "value",}', 'b.json': '{"key": hunter2}', 'c.json': '{"key": [1, 2}' });
    expect(() => readJsonFile(join(dir, 'none.json'))).toThrow(/none\.json: not found$/);
    expect(() => readJsonFile(join(dir, 'a.json'))).toThrow(/a\.json: invalid JSON: Expected double-quoted property name in JSON at position 16/);
    expect(() => readJsonFile(join(dir, 'b.json'))).toThrow(/b\.json: invalid JSON: unexpected character$/);
    expect(() => readJsonFile(join(dir, 'c.json'))).toThrow(/c\.json: invalid JSON: Expected ',' or ']' after array element in JSON at position 13/);
  });
});

describe('jsonErrorReason', () => {
  const reason = (message: string) => jsonErrorReason(new SyntaxError(message));

  test("V8's kind-and-position messages are kept, in Node 20's form and in Node 22's (which adds the line and column)", () => {
    for (const message of [
      "Expected ',' or '}' after property value in JSON at position 23",
      "Expected ',' or '}' after property value in JSON at position 23 (line 1 column 24)",
      "Expected ':' after property name in JSON at position 23 (line 1 column 24)",
      'Expected double-quoted property name in JSON at position 7 (line 1 column 8)',
      'Unterminated string in JSON at position 24 (line 1 column 25)',
      'Unexpected end of JSON input',
    ]) expect(reason(message)).toBe(message);
  });

  test('a message that quotes the text is not repeated', () => {
    expect(reason('Unexpected token \'s\', ..."apiKey": sk-live-ab"... is not valid JSON')).toBe('unexpected character');
    expect(reason("Unexpected non-whitespace character 'x' after JSON at position 3")).toBe('not valid JSON');
    expect(reason("Expected 'x' in JSON at position 3")).toBe('not valid JSON');
    expect(reason(' in JSON at position 3')).toBe('not valid JSON');
  });

  test('long messages are answered without exponential backtracking (in a child process, so a regression fails, not hangs)', () => {
    // The earlier pattern, (?:[A-Za-z -]+|…)+ before " in JSON", took about a second on 22 letters and doubled with each.
    const script = `const { jsonErrorReason } = require(${JSON.stringify(join(__dirname, '../../runtime/settings/json-file.ts'))});
      const r = (m) => jsonErrorReason(new SyntaxError(m));
      process.stdout.write(JSON.stringify([r('a'.repeat(60) + ' in JSON at position x'), r('Expected ' + 'word '.repeat(40) + 'in JSON at position 1 (line 1 column 2)')]));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.signal).toBeNull();
    expect(JSON.parse(child.stdout)).toEqual(['not valid JSON', `Expected ${'word '.repeat(40)}in JSON at position 1 (line 1 column 2)`]);
  });
});

/** Discovery at synth: committed settings only, clear errors, and code assets the Lambda can load. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResolvedFunction } from '../../runtime/aws/resolved-function';
import { parseFunctionConfig } from '../../runtime/function/config';
import { loadDeployableFunctions, loadProjectFunctions } from '../../lib/function-discovery';
import { destinationFunctionFiles } from '../../lib/lambda-assets';
import { pascalCase } from '../../runtime/aws/contract';
import { ALPHA, BETA, LOCAL_SECRET_MARKER, makeProject, type FunctionFixture, cleanUp } from './project';

afterAll(cleanUp);

function projectWith(fn: FunctionFixture): string {
  return join(makeProject([fn]), 'functions');
}

function withFiles(base: FunctionFixture, files: Record<string, string | object>): FunctionFixture {
  return { name: base.name, files: { ...base.files, ...files } };
}

describe('loadDeployableFunctions', () => {
  test('reads settings.json only: settings.local.json values never reach the deployable function', () => {
    const [alpha] = loadDeployableFunctions(projectWith(ALPHA));
    expect(alpha.id).toBe('Alpha');
    expect(alpha.settingValues).toEqual({ channel: 'general' }); // the blank apiKey placeholder is dropped
    expect(JSON.stringify(alpha)).not.toContain(LOCAL_SECRET_MARKER);
  });

  test('a missing required non-secret setting fails, naming the function and the setting', () => {
    const dir = projectWith(withFiles(ALPHA, { 'settings.json': {} }));
    expect(() => loadDeployableFunctions(dir)).toThrow('function "alpha": setting "channel" is required');
  });

  test('a "deploy": false function is local only: not deployable, and its settings are not checked at synth', () => {
    const localOnly = withFiles(ALPHA, { 'function.json': { ...(ALPHA.files['function.json'] as object), deploy: false }, 'settings.json': {} });
    const { deployable, localOnly: skipped } = loadProjectFunctions(projectWith(localOnly));
    expect(deployable).toEqual([]);
    expect(skipped.map((def) => def.name)).toEqual(['alpha']);
  });

  test('a missing required secret is not a synth error (it is only known on AWS at run time)', () => {
    const dir = projectWith(withFiles(ALPHA, { 'settings.json': { channel: 'ops' } }));
    expect(loadDeployableFunctions(dir)[0].settingValues).toEqual({ channel: 'ops' });
  });

  test('a secret value in settings.json fails without echoing the value', () => {
    const dir = projectWith(withFiles(ALPHA, { 'settings.json': { channel: 'ops', apiKey: 'sk-committed-by-mistake' } }));
    let message = '';
    try {
      loadDeployableFunctions(dir);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/function "alpha": setting "apiKey" is secret and must not be in .*settings\.json/);
    expect(message).not.toContain('sk-committed-by-mistake');
  });

  test('wrong setting types and invalid JSON are errors', () => {
    expect(() => loadDeployableFunctions(projectWith(withFiles(ALPHA, { 'settings.json': { channel: 42 } }))))
      .toThrow('function "alpha": setting "channel" must be a string');
    expect(() => loadDeployableFunctions(projectWith(withFiles(ALPHA, { 'settings.json': '{"channel": "x",' }))))
      .toThrow(/settings\.json: invalid JSON/);
    expect(() => loadDeployableFunctions(projectWith(withFiles(ALPHA, { 'settings.json': '["general"]' }))))
      .toThrow(/settings\.json: field "\(root\)": expected an object of setting values/);
  });

  test('a missing functions directory is an error naming it', () => {
    const missing = join(tmpdir(), 'destfn-no-such-dir', 'functions');
    expect(() => loadDeployableFunctions(missing)).toThrow(`functions directory not found: ${missing}`);
  });

  test('two folders with the same PascalCase id are rejected (their outputs would collide)', () => {
    const project = makeProject([{ name: 'order-sync', files: BETA.files }, { name: 'order_sync', files: BETA.files }]);
    expect(() => loadDeployableFunctions(join(project, 'functions'))).toThrow(/"order-sync" and "order_sync" both map to the id "OrderSync"/);
  });
});

describe('function code asset', () => {
  function writeAsset(files: Record<string, string>): string {
    const assetDir = join(makeProject([]), 'asset');
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(join(assetDir, file, '..'), { recursive: true });
      writeFileSync(join(assetDir, file), content);
    }
    return assetDir;
  }

  test.each([['script', ALPHA], ['module', BETA]] as const)('a %s-style function loads back from its asset unchanged, as the Lambda reads it', (style, fixture) => {
    const [fn] = loadDeployableFunctions(projectWith(fixture));
    const loaded = readResolvedFunction(join(writeAsset(destinationFunctionFiles(fn)), 'function'));
    expect(loaded.name).toBe(fixture.name); // not the folder's name on Lambda ("function")
    expect(loaded.source.style).toBe(style);
    expect(loaded.source.code).toBe(fn.definition.source.code);
    expect(loaded.config).toEqual(fn.definition.config);
  });

  test('function.resolved.json is function.json as parseFunctionConfig resolved it at synth: defaults applied', () => {
    const [alpha] = loadDeployableFunctions(projectWith(ALPHA));
    const staged = JSON.parse(destinationFunctionFiles(alpha)['function/function.resolved.json']);
    expect(staged).toEqual({
      format: 1, name: 'alpha', version: alpha.definition.version, config: parseFunctionConfig(ALPHA.files['function.json'], 'function.json'),
    });
    expect(staged.config).toMatchObject({ description: '', drop: [], onUnknownError: 'retry', timeoutSeconds: 7 });
    expect(staged.config.settings.channel).toEqual({ type: 'string', required: true, secret: false });

    const [beta] = loadDeployableFunctions(projectWith(BETA)); // no function.json: the defaults alone
    const defaults = JSON.parse(destinationFunctionFiles(beta)['function/function.resolved.json']).config;
    expect(defaults).toEqual({
      description: '', drop: [], settings: { apiKey: { type: 'string', required: false, secret: true } },
      timeoutSeconds: 5, maxConcurrency: 200, retry: { attempts: 10, windowHours: 4 }, onUnknownError: 'retry', deploy: true,
    });
  });
});

test('pascalCase', () => {
  expect(pascalCase('teams-notify')).toBe('TeamsNotify');
  expect(pascalCase('order_sync2')).toBe('OrderSync2');
  expect(pascalCase('dev')).toBe('Dev');
  expect(() => pascalCase('--')).toThrow(/no letters or digits/);
});

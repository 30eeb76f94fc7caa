/**
 * Local-only functions ("deploy": false) and settings on a loopback address: synth leaves the first out
 * with one line saying so, and refuses the second unless allowLoopbackSettings is set.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { isLoopbackAddress, loopbackSettings } from '../../lib/loopback-settings';
import { ALPHA, cleanUp, makeProject, synthProject, type FunctionFixture } from './project';

afterAll(cleanUp);

/** Like the repo's webhook example: its committed settings deliver to the local engine's sink. */
const HOOK: FunctionFixture = {
  name: 'hook',
  files: {
    'index.js': 'async function onTrack(event, settings) {\n  await fetch(settings.url, { method: "POST" });\n}\n',
    'function.json': {
      settings: {
        url: { type: 'string', required: true },
        mirrors: { type: 'array' },
        headers: { type: 'map' },
      },
    },
    'settings.json': { url: 'http://localhost:3000/_sink/hook' },
  },
};

function withFiles(fn: FunctionFixture, files: Record<string, string | object>): FunctionFixture {
  return { name: fn.name, files: { ...fn.files, ...files } };
}

function localOnly(fn: FunctionFixture): FunctionFixture {
  return withFiles(fn, { 'function.json': { ...(fn.files['function.json'] as object), deploy: false } });
}

describe('isLoopbackAddress', () => {
  test.each([
    'http://localhost:3000/_sink/webhook', 'https://LOCALHOST/x', 'http://api.localhost:8080', 'localhost:3000',
    'localhost', 'http://127.0.0.1:3000/', '127.0.0.1', '127.8.9.10:80', 'http://127.1/', 'http://0x7f.0.0.1/',
    'http://[::1]:3000/', '[::1]', 'http://[0:0:0:0:0:0:0:1]/', 'http://0.0.0.0:3000', 'ws://localhost/socket',
    'http://user@localhost/', ' http://localhost:3000 ',
  ])('%s is loopback', (text) => {
    expect(isLoopbackAddress(text)).toBe(true);
  });

  test.each([
    'https://hooks.example.com/x', 'http://10.0.0.5/', 'http://128.0.0.1/', 'https://localhost.example.com/',
    'https://example.com/?next=http://localhost/', 'general', 'Order Completed', '', 'not a url', 'mylocalhost:3000',
    'http://[::2]/',
  ])('%s is not', (text) => {
    expect(isLoopbackAddress(text)).toBe(false);
  });
});

test('loopbackSettings looks inside arrays and maps and names where it found the address', () => {
  expect(loopbackSettings({
    url: 'https://hooks.example.com/x',
    mirrors: ['https://a.example.com', 'http://127.0.0.1:9000/copy'],
    headers: { 'X-Forward-To': 'localhost:3000', Accept: 'application/json' },
    enabled: true,
  })).toEqual([
    { setting: 'mirrors[1]', value: 'http://127.0.0.1:9000/copy' },
    { setting: 'headers.X-Forward-To', value: 'localhost:3000' },
  ]);
});

describe('cdk synth', () => {
  test('a "deploy": false function is not deployed, and one info line names it', () => {
    const { stack, template } = synthProject(makeProject([ALPHA, localOnly(HOOK)]), { cfnValidation: false });
    expect(stack.functions.map((fn) => fn.name)).toEqual(['alpha']);
    expect(Object.keys(template.findResources('AWS::CloudFormation::Stack'))).toEqual(['FunctionAlpha']);
    expect(Object.keys(template.toJSON().Resources).filter((id) => id.startsWith('FunctionHook'))).toEqual([]);
    const info = Annotations.fromStack(stack).findInfo('*', Match.anyValue());
    expect(info.map((entry) => entry.entry.data)).toEqual(['not deployed, local only ("deploy": false in function.json): hook']);
  }, 60_000);

  test('a project with only local-only functions synthesizes (the ingest API alone)', () => {
    const { stack, template } = synthProject(makeProject([localOnly(HOOK)]), { cfnValidation: false });
    expect(stack.functions).toEqual([]);
    template.resourceCountIs('AWS::Lambda::Function', 1);
  }, 60_000);

  test('a deployed function whose setting points at a loopback address fails, naming it, why, and the fixes', () => {
    const project = makeProject([HOOK]);
    expect(() => synthProject(project, { cfnValidation: false })).toThrow(
      `function "hook": setting "url" = http://localhost:3000/_sink/hook points at a loopback address. ` +
      'On Lambda that is the Lambda itself: every event would be retried for hours, then dead-lettered. ' +
      `Put the real URL in ${project}/functions/hook/settings.json, or mark the function local only with ` +
      `"deploy": false in ${project}/functions/hook/function.json (or synthesize with -c allowLoopbackSettings=true for a rehearsal).`,
    );
  });

  test('nested values and function.json defaults count too', () => {
    const nested = withFiles(HOOK, { 'settings.json': { url: 'https://hooks.example.com/x', mirrors: ['http://[::1]:9000/'] } });
    expect(() => synthProject(makeProject([nested]), { cfnValidation: false }))
      .toThrow('function "hook": setting "mirrors[0]" = http://[::1]:9000/ points at a loopback address');
    const byDefault = withFiles(HOOK, {
      'function.json': { settings: { url: { type: 'string', default: 'http://127.0.0.1:3000/_sink/hook' } } },
      'settings.json': {},
    });
    expect(() => synthProject(makeProject([byDefault]), { cfnValidation: false }))
      .toThrow('function "hook": setting "url" = http://127.0.0.1:3000/_sink/hook points');
  });

  test('allowLoopbackSettings deploys it as it is', () => {
    const { stack } = synthProject(makeProject([HOOK]), { cfnValidation: false, allowLoopbackSettings: true });
    expect(stack.functions.map((fn) => fn.name)).toEqual(['hook']);
  }, 60_000);

  test('a real URL deploys without the opt-in', () => {
    const real = withFiles(HOOK, { 'settings.json': { url: 'https://hooks.example.com/destfn', headers: { Accept: 'application/json' } } });
    const { stack } = synthProject(makeProject([real]), { cfnValidation: false });
    expect(stack.functions.map((fn) => fn.name)).toEqual(['hook']);
  }, 60_000);
});

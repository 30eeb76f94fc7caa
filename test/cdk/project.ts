/** Temporary destfn projects (functions/ + destfn.config.json) and their synthesized stacks. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DestfnStack } from '../../lib/destfn-stack';
import { STACK_NAME } from '../../runtime/aws/contract';

export const FIXTURE_HANDLERS = {
  ingest: join(__dirname, 'fixtures', 'ingest-handler.ts'),
  destination: join(__dirname, 'fixtures', 'destination-handler.ts'),
};

/** A value only ever written to a git-ignored settings.local.json: it must never reach a template. */
export const LOCAL_SECRET_MARKER = 'local-secret-marker-7f3a9c2e';

export interface FunctionFixture {
  name: string;
  files: Record<string, string | object>;
}

/** Segment script style, with a required non-secret setting, a secret, a subscription and a filter. */
export const ALPHA: FunctionFixture = {
  name: 'alpha',
  files: {
    'index.js': 'async function onTrack(event, settings) {\n  return { channel: settings.channel };\n}\n',
    'function.json': {
      sources: ['web'],
      filter: 'type = "track"',
      settings: {
        channel: { type: 'string', required: true },
        apiKey: { type: 'string', required: true, secret: true },
      },
      timeoutSeconds: 7,
      maxConcurrency: 1,
      retry: { attempts: 5, windowHours: 2 },
    },
    'settings.json': { channel: 'general', apiKey: '' },
    'settings.local.json': { channel: 'local-channel', apiKey: LOCAL_SECRET_MARKER },
  },
};

/** Module style with defaults only (no function.json). */
export const BETA: FunctionFixture = {
  name: 'beta-notify',
  files: { 'index.ts': 'export async function onIdentify(event: { userId?: string }) {\n  return event.userId;\n}\n' },
};

export const GAMMA: FunctionFixture = {
  name: 'gamma',
  files: {
    'index.js': 'async function onPage(event) {\n  return event.name;\n}\n',
    'function.json': { timeoutSeconds: 30, maxConcurrency: 50, retry: { attempts: 3, windowHours: 1 } },
  },
};

const created: string[] = [];

/** Call from afterAll: deletes every project made by this test file. */
export function cleanUp(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Sources named in the fixtures' function.json (a function may only name sources its project declares). */
function subscribedSources(functions: FunctionFixture[]): string[] {
  return [...new Set(functions.flatMap((fn) => (fn.files['function.json'] as { sources?: string[] } | undefined)?.sources ?? []))];
}

/**
 * A project of `functions`. Its destfn.config.json declares `sources`; without them, the default source `dev` plus
 * the sources the fixtures subscribe to (none: no config file, the default project).
 */
export function makeProject(functions: FunctionFixture[], sources?: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'destfn-cdk-test-'));
  created.push(dir);
  mkdirSync(join(dir, 'functions'), { recursive: true });
  for (const fn of functions) addFunction(dir, fn);
  const subscribed = subscribedSources(functions);
  const declared = sources ?? (subscribed.length > 0 ? ['dev', ...subscribed.filter((name) => name !== 'dev')] : undefined);
  if (declared) {
    const config = { sources: Object.fromEntries(declared.map((name) => [name, {}])) };
    writeFileSync(join(dir, 'destfn.config.json'), JSON.stringify(config));
  }
  return dir;
}

export function addFunction(projectDir: string, fn: FunctionFixture): void {
  const fnDir = join(projectDir, 'functions', fn.name);
  mkdirSync(fnDir, { recursive: true });
  for (const [file, content] of Object.entries(fn.files)) {
    writeFileSync(join(fnDir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

export interface Synthesized {
  app: App;
  stack: DestfnStack;
  template: Template;
  /** The template as JSON text (for "never appears" checks). */
  json: string;
  nag: AwsSolutionsChecks;
}

/**
 * Synthesizes a project once, with cdk-nag AwsSolutions registered as a validation plugin.
 * `cfnValidation: false` skips CDK's built-in CloudFormation schema validation (several seconds).
 */
export function synthProject(
  projectDir: string,
  opts: { cfnValidation?: boolean; outdir?: string; allowLoopbackSettings?: boolean } = {},
): Synthesized {
  const app = new App({
    outdir: opts.outdir ?? join(projectDir, 'cdk.out'),
    builtinCloudFormationValidation: opts.cfnValidation ?? true,
  });
  const stack = new DestfnStack(app, STACK_NAME, {
    projectDir,
    functionsDir: join(projectDir, 'functions'),
    handlerEntries: FIXTURE_HANDLERS,
    allowLoopbackSettings: opts.allowLoopbackSettings,
  });
  const nag = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(nag);
  const template = Template.fromStack(stack);
  return { app, stack, template, json: JSON.stringify(template.toJSON()), nag };
}

/** Resources of one type: logical id → properties. */
export function resourcesOf(template: Template, type: string): Record<string, Record<string, unknown>> {
  const found = template.findResources(type);
  return Object.fromEntries(Object.entries(found).map(([id, r]) => [id, (r as { Properties: Record<string, unknown> }).Properties]));
}

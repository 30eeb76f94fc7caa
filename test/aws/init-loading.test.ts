/**
 * What each Lambda bundle (built by lib/asset-bundler as synth ships it) loads from the AWS SDK at init, in a
 * fresh node: the destination leaves @aws-sdk/client-sqs for the first retry (test/aws/destination-handler
 * checks that a retry still sets the visibility on fauxqs); the ingest needs SQS and Secrets Manager on every
 * first request, so it loads both at init.
 * And what the destination layer does not contain at all: zod (its schemas are built at load; the Lambda reads
 * function.resolved.json instead) and the subscription filter compiler (only the ingest routes events).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundledInputs, bundleHandler } from '../../lib/asset-bundler';

const REPO = resolve(__dirname, '..', '..');
const SDK_CLIENTS = ['client-dynamodb', 'lib-dynamodb', 'client-secrets-manager', 'client-sqs'];

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'destfn-init-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Handler = 'ingest-handler' | 'destination-handler';
const entryOf = (handler: Handler) => join(REPO, 'runtime', 'aws', `${handler}.ts`);

/** Every file node loaded (require.cache) once a fresh process has required the bundle. */
function filesLoadedAtInit(handler: Handler): string[] {
  const file = join(dir, `${handler}.js`);
  writeFileSync(file, bundleHandler(entryOf(handler)));
  const script = `const m = require(${JSON.stringify(file)});
    if (typeof m.handler !== 'function') throw new Error('no handler');
    process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const env = { PATH: process.env.PATH, NODE_PATH: join(REPO, 'node_modules'), AWS_REGION: 'us-east-1' };
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' })) as string[];
}

function sdkLoadedAtInit(handler: Handler): string[] {
  const loaded = filesLoadedAtInit(handler);
  return SDK_CLIENTS.filter((pkg) => loaded.some((f) => f.includes(`/node_modules/@aws-sdk/${pkg}/`)));
}

const ZOD_OR_FILTER = /node_modules\/(zod|@segment\/(destination-subscriptions|fql-ts))\//;
/** zod 4 names each schema class in a string that minifying keeps: `$constructor("ZodObject", …)`. */
const ZOD_CLASS_NAMES = /["'`]\$?Zod(Object|String|Array|Record|Enum|Boolean|Number|Type)["'`]/;

describe('AWS SDK clients loaded at init', () => {
  it('destination: DynamoDB and Secrets Manager, not SQS (only a retry needs it)', () => {
    const loaded = sdkLoadedAtInit('destination-handler');
    expect(loaded).toEqual(expect.arrayContaining(['client-dynamodb', 'client-secrets-manager']));
    expect(loaded).not.toContain('client-sqs');
  });

  it('ingest: Secrets Manager and SQS, both needed by its first request', () => {
    expect(sdkLoadedAtInit('ingest-handler')).toEqual(['client-secrets-manager', 'client-sqs']);
  });
});

describe('what the destination layer leaves out', () => {
  it('has no zod and no filter compiler among its sources (esbuild metafile of bundleHandler)', () => {
    const inputs = bundledInputs(entryOf('destination-handler'));
    expect(inputs).toEqual(expect.arrayContaining([expect.stringContaining('runtime/aws/resolved-function.ts')]));
    expect(inputs.filter((f) => ZOD_OR_FILTER.test(f))).toEqual([]);
    expect(inputs.filter((f) => /runtime\/function\/config(-parse)?\.ts$|runtime\/routing\//.test(f))).toEqual([]);
    // The same checks see them in the ingest, which validates events with zod and routes with filters.
    expect(bundledInputs(entryOf('ingest-handler')).filter((f) => ZOD_OR_FILTER.test(f)).length).toBeGreaterThan(0);
  });

  it('builds no zod schema: no zod class in the code, none loaded by a fresh node requiring it', () => {
    expect(bundleHandler(entryOf('destination-handler'))).not.toMatch(ZOD_CLASS_NAMES);
    expect(bundleHandler(entryOf('ingest-handler'))).toMatch(ZOD_CLASS_NAMES);
    expect(filesLoadedAtInit('destination-handler').filter((f) => ZOD_OR_FILTER.test(f))).toEqual([]);
  });
});

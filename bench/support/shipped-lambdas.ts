/**
 * The AWS side as the benches run it in one process: the delivery table, the webhook example staged as
 * `cdk deploy` ships it, and the two handler bundles lib/ ships (the same esbuild output as the Lambdas).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { bundleHandler } from '../../lib/asset-bundler';
import { DEFAULT_HANDLER_ENTRIES } from '../../lib/lambda-assets';
import { RESOLVED_FUNCTION_FILE, renderResolvedFunction } from '../../runtime/aws/resolved-function';
import { readFunctionDefinition } from '../../runtime/function/definition';
import { renderPrebuiltSource } from '../../runtime/source/prebuilt';

export { createDeliveryTable } from '../../test/aws/support/dynalite'; // the tests' own table: one copy

const REPO = resolve(__dirname, '..', '..');

export type IngestHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
export type DestinationHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * functions/webhook as the Lambda's function/ folder (prebuilt index.js, function.json, function.resolved.json
 * — what the Lambda reads — and settings.json), delivering to `url`. Returns the folder.
 */
export function stageWebhookFunction(root: string, url: string): string {
  const def = readFunctionDefinition(join(REPO, 'functions', 'webhook'));
  const fnDir = join(root, 'function');
  mkdirSync(fnDir);
  writeFileSync(join(fnDir, 'index.js'), renderPrebuiltSource(def.source));
  writeFileSync(join(fnDir, 'function.json'), JSON.stringify({ settings: def.config.settings }));
  writeFileSync(join(fnDir, RESOLVED_FUNCTION_FILE), renderResolvedFunction(def));
  writeFileSync(join(fnDir, 'settings.json'), JSON.stringify({ url }));
  return fnDir;
}

/**
 * The shipped bundles, loaded in this process. They are written inside the repo so that their
 * require('@aws-sdk/…') resolves to node_modules, as Lambda resolves its own SDK; read the environment first.
 */
export function loadShippedHandlers(destinationEnv: NodeJS.ProcessEnv): { ingest: IngestHandler; destination: DestinationHandler } {
  const { ingest, createDestinationHandler } = loadShippedBundles();
  return { ingest, destination: createDestinationHandler(destinationEnv) };
}

/** The bundles, with the destination's factory: each handler it makes is one Lambda instance (its own clients, limiter). */
export function loadShippedBundles(): { ingest: IngestHandler; createDestinationHandler(env: NodeJS.ProcessEnv): DestinationHandler } {
  const outDir = join(REPO, 'node_modules', '.cache', 'destfn-bench', String(process.pid));
  mkdirSync(outDir, { recursive: true });
  try {
    writeFileSync(join(outDir, 'ingest.js'), bundleHandler(DEFAULT_HANDLER_ENTRIES.ingest));
    writeFileSync(join(outDir, 'destination.js'), bundleHandler(DEFAULT_HANDLER_ENTRIES.destination));
    const ingest = (require(join(outDir, 'ingest.js')) as { handler: IngestHandler }).handler;
    const destination = require(join(outDir, 'destination.js')) as { createDestinationHandler(env: NodeJS.ProcessEnv): DestinationHandler };
    return { ingest, createDestinationHandler: (env) => destination.createDestinationHandler(env) };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

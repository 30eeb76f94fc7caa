/** The three kinds of Lambda code the stack deploys, laid out as the AWS handlers expect. */
import { join, resolve } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RESOLVED_FUNCTION_FILE, renderResolvedFunction } from '../runtime/aws/resolved-function';
import { renderPrebuiltSource } from '../runtime/source/prebuilt';
import { bundleHandler, stageAsset } from './asset-bundler';
import type { DeployableFunction } from './function-discovery';

export interface HandlerEntries {
  readonly ingest: string;
  readonly destination: string;
}

const REPO_ROOT = resolve(__dirname, '..');

export const DEFAULT_HANDLER_ENTRIES: HandlerEntries = {
  ingest: join(REPO_ROOT, 'runtime', 'aws', 'ingest-handler.ts'),
  destination: join(REPO_ROOT, 'runtime', 'aws', 'destination-handler.ts'),
};

/** Where the layer's handler lands inside the Lambda sandbox (layers unpack under /opt). */
export const LAYER_HANDLER_PATH = '/opt/nodejs/destfn/destination-handler.js';
/** Where a function's own files land inside the Lambda sandbox. */
export const FUNCTION_DIR = '/var/task/function';

export function ingestCode(entries: HandlerEntries): lambda.Code {
  return lambda.Code.fromAsset(stageAsset({ 'index.js': bundleHandler(entries.ingest) }));
}

export function runtimeLayerCode(entries: HandlerEntries): lambda.Code {
  return lambda.Code.fromAsset(stageAsset({ 'nodejs/destfn/destination-handler.js': bundleHandler(entries.destination) }));
}

/**
 * index.js re-exports the layer's handler; function/ holds only this function's code and config. The code
 * is the already compiled source with its style banner, so the Lambda needs no esbuild to load it. The
 * config is staged resolved (function.json as parseFunctionConfig validated it here, defaults applied): the
 * Lambda reads that, and needs no zod. function.json itself is shipped for reference only.
 */
export function destinationFunctionFiles(fn: DeployableFunction): Record<string, string> {
  return {
    'index.js': `module.exports = require('${LAYER_HANDLER_PATH}');\n`,
    'function/index.js': renderPrebuiltSource(fn.definition.source),
    'function/function.json': fn.functionJson,
    [`function/${RESOLVED_FUNCTION_FILE}`]: renderResolvedFunction(fn.definition),
    'function/settings.json': `${JSON.stringify(fn.settingValues, null, 2)}\n`,
  };
}

export function destinationFunctionCode(fn: DeployableFunction): lambda.Code {
  return lambda.Code.fromAsset(stageAsset(destinationFunctionFiles(fn)));
}

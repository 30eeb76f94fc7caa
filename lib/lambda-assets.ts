/** The three kinds of Lambda code the stack deploys, laid out as the AWS handlers expect. */
import { join, resolve } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { INGEST_ROUTING_FILE, type IngestRoutingFile } from '../runtime/aws/contract';
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

/**
 * The layer's handler as a module name: layers unpack under /opt and Lambda's Node.js runtimes put
 * /opt/nodejs/node_modules on NODE_PATH, so the function's index.js finds it wherever the layer is mounted.
 */
export const LAYER_HANDLER_MODULE = 'destfn-runtime/destination-handler.js';
/** The file inside the layer's zip. */
export const LAYER_HANDLER_FILE = `nodejs/node_modules/${LAYER_HANDLER_MODULE}`;
/** A function's own files, relative to the task root (LAMBDA_TASK_ROOT, /var/task on Lambda). */
export const FUNCTION_DIR = 'function';

/** The ingest handler and its routing table (read at init: runtime/aws/ingest-config.ts). */
export function ingestCode(entries: HandlerEntries, routing: IngestRoutingFile): lambda.Code {
  return lambda.Code.fromAsset(stageAsset({
    'index.js': bundleHandler(entries.ingest),
    [INGEST_ROUTING_FILE]: `${JSON.stringify(routing, null, 1)}\n`,
  }));
}

export function runtimeLayerCode(entries: HandlerEntries): lambda.Code {
  return lambda.Code.fromAsset(stageAsset({ [LAYER_HANDLER_FILE]: bundleHandler(entries.destination) }));
}

/**
 * index.js re-exports the layer's handler; function/ holds only this function's code and config. The code
 * is the already compiled source with its style banner, so the Lambda needs no esbuild to load it. The
 * config is staged resolved (function.json as parseFunctionConfig validated it here, defaults applied): the
 * Lambda reads that, and needs no zod. function.json itself is shipped for reference only.
 */
export function destinationFunctionFiles(fn: DeployableFunction): Record<string, string> {
  return {
    'index.js': `module.exports = require('${LAYER_HANDLER_MODULE}');\n`,
    [`${FUNCTION_DIR}/index.js`]: renderPrebuiltSource(fn.definition.source),
    [`${FUNCTION_DIR}/function.json`]: fn.functionJson,
    [`${FUNCTION_DIR}/${RESOLVED_FUNCTION_FILE}`]: renderResolvedFunction(fn.definition),
    [`${FUNCTION_DIR}/settings.json`]: `${JSON.stringify(fn.settingValues, null, 2)}\n`,
  };
}

export function destinationFunctionCode(fn: DeployableFunction): lambda.Code {
  return lambda.Code.fromAsset(stageAsset(destinationFunctionFiles(fn)));
}

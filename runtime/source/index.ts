/**
 * A function's code: index.js|index.ts of its folder → the JavaScript the sandbox evaluates (FunctionSource).
 * Compiled by esbuild (loaded only when needed), or used as is when `cdk synth` prebuilt it for Lambda.
 */
export { compileFunctionSource, FUNCTION_API_ENTRY } from './compile';
export { displayPath } from './display-path';
export { parsePrebuiltSource, renderPrebuiltSource } from './prebuilt';
export { readFunctionSource, SOURCE_FILES } from './read-source';
export type { FunctionSource } from './types';

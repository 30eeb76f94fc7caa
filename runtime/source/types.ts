/** A function's code as the runtime evaluates it (runtime/sandbox/evaluate.ts). */
export interface FunctionSource {
  /** JavaScript: TS already stripped (script) or bundled to CommonJS (module) by esbuild. */
  code: string;
  style: 'script' | 'module';
  filename: string;
  /** The source map of `code` (JSON), only when asked for (compileFunctionSource's `sourceMap`). */
  sourceMap?: string;
}

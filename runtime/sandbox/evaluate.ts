/**
 * Runs function code once in its vm context and finds the handlers.
 *
 * Script style runs as a classic script: sloppy mode, top-level declarations are globals of the
 * context (so module-level state persists), and the handlers are read back by name in the same
 * global scope (which also finds `const onTrack = …`).
 * Module style is an esbuild CommonJS bundle, run inside a CommonJS wrapper: handlers are the
 * named exports, or the members of the default export (what `defineFunction` returns).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';
import { HANDLER_NAMES, type HandlerName } from '../function/dispatch';
import type { FunctionSource } from '../source';

export type Handler = (...args: unknown[]) => unknown;
export type Handlers = Partial<Record<HandlerName, Handler>>;

export interface EvaluatedFunction {
  handlers: Handlers;
  /** `settings` given to `defineFunction` (module style), checked against function.json. */
  declaredSettings: Record<string, unknown> | undefined;
}

export function evaluateSource(source: FunctionSource, context: vm.Context): EvaluatedFunction {
  return source.style === 'script' ? evaluateScript(source, context) : evaluateModule(source, context);
}

const LOOKUP_HANDLERS = `({${HANDLER_NAMES.map((n) => `${n}: typeof ${n} === 'function' ? ${n} : undefined`).join(', ')}})`;

function evaluateScript(source: FunctionSource, context: vm.Context): EvaluatedFunction {
  new vm.Script(source.code, { filename: source.filename }).runInContext(context);
  const found = vm.runInContext(LOOKUP_HANDLERS, context) as Record<HandlerName, Handler | undefined>;
  const handlers: Handlers = {};
  for (const name of HANDLER_NAMES) if (found[name]) handlers[name] = found[name];
  return { handlers, declaredSettings: undefined };
}

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: { exports: unknown }, filename: string, dir: string) => void;

function evaluateModule(source: FunctionSource, context: vm.Context): EvaluatedFunction {
  const wrapper = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source.code}\n})`, {
    filename: source.filename,
  }).runInContext(context) as CommonJsWrapper;
  const module = { exports: {} as unknown };
  wrapper.call(module.exports as object, module.exports as object, moduleRequire(source.filename), module, source.filename, dirname(source.filename));

  const exported = asObject(module.exports) ?? {};
  const byDefault = asObject(exported.default);
  const handlers: Handlers = {};
  for (const name of HANDLER_NAMES) {
    const owner = typeof exported[name] === 'function' ? exported : typeof byDefault?.[name] === 'function' ? byDefault : undefined;
    if (!owner) continue;
    const fn = owner[name] as Handler;
    handlers[name] = (...args) => fn.apply(owner, args);
  }
  return { handlers, declaredSettings: asObject(byDefault?.settings) };
}

/** Packages the bundle left external (node builtins, @aws-sdk/*): from the function's folder, else destfn's. */
function moduleRequire(filename: string): NodeJS.Require {
  const fromFunction = createRequire(filename);
  const lookup = ((id: string) => {
    try {
      return fromFunction(id);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
      return require(id);
    }
  }) as NodeJS.Require;
  return Object.assign(lookup, { resolve: fromFunction.resolve, cache: fromFunction.cache, main: undefined });
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * A console Run in a process of its own, as deliveries run (worker-launch.ts): function code that escapes its vm
 * context reaches that process, not the engine, and a handler that never returns (a busy loop) is killed, not the
 * engine's event loop. The process's script is run-child.ts bundled once per engine by esbuild into destfn's
 * node_modules/.cache (content-addressed; the permission model lets the process read it there).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionDefinition } from '../../../function/definition';
import { createRedactor } from '../../../settings/redact';
import { secretValues } from '../../../settings/resolve';
import { compileFunctionSource } from '../../../source/compile';
import { launchWorker } from '../../worker-launch';
import type { ProcessList } from '../../worker-pids';
import { loadFailure, type RunInput, type RunResult } from './execute-run';
import type { FromRunChild, ToRunChild } from './run-child-protocol';

const PACKAGE_ROOT = join(__dirname, '..', '..', '..', '..');
const CACHE_DIR = join(PACKAGE_ROOT, 'node_modules', '.cache', 'destfn');
/** Past the function's own timeout (which ends the run as timed out), the process gets this long before it is killed. */
export const KILL_GRACE_MS = 3000;
export const RUN_MEMORY_MB = 256;

let entry: Promise<string> | null = null;

/** The bundled run-child.ts (built on first use; a failed build is tried again next time). */
export function runChildEntry(): Promise<string> {
  entry ??= bundle().catch((err: unknown) => {
    entry = null;
    throw err;
  });
  return entry;
}

async function bundle(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(__dirname, 'run-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    // As the workers' bundle: the AWS SDK is required lazily by the `AWS` global; esbuild is never used there.
    external: ['@aws-sdk/*', 'esbuild'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const file = join(CACHE_DIR, `console-run-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`);
  if (!existsSync(file)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  return file;
}

/** The definition with its code compiled again with the source map (TypeScript, module style): done here, esbuild cannot run in the run's process. */
function withSourceMap(definition: FunctionDefinition): FunctionDefinition {
  const { source } = definition;
  if (!source.filename.endsWith('.ts') && source.style !== 'module') return definition;
  return { ...definition, source: compileFunctionSource(source.filename, { sourceMap: true }) };
}

export async function runInProcess(input: RunInput, processes?: ProcessList): Promise<RunResult> {
  const base = { requests: [], network: input.network, filterNote: null };
  let definition: FunctionDefinition;
  try {
    const mapped = withSourceMap(input.definition);
    // Only what the run needs: other fields of a definition may not be cloneable.
    definition = { name: mapped.name, dir: mapped.dir, config: mapped.config, source: mapped.source } as FunctionDefinition;
  } catch (err) {
    return { ...base, ...loadFailure(err, createRedactor(secretValues(input.definition, input.settings)), input.rootDir) };
  }
  const script = await runChildEntry();
  const limitMs = definition.config.timeoutSeconds * 1000 + KILL_GRACE_MS;
  return new Promise<RunResult>((resolve, reject) => {
    const child = launchWorker({ entry: script, functionDir: definition.dir, memoryLimitMb: RUN_MEMORY_MB, processes });
    child.stdout?.resume();
    child.stderr?.resume();
    let done = false;
    const finish = (answer: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      answer();
    };
    const timer = setTimeout(() => finish(() => resolve({
      ...base, ok: false, status: 'retry', reason: 'timeout', durationMs: limitMs, logs: [], loadLogs: [],
      error: { name: 'TimeoutError', message: `function "${definition.name}" did not finish within ${limitMs / 1000} s: its run was stopped`, stack: [] },
    })), limitMs);
    child.on('message', (message: FromRunChild) => {
      if (message?.type === 'result') finish(() => resolve(message.result));
      else if (message?.type === 'error') finish(() => reject(new Error(`console run failed: ${message.message}`)));
    });
    child.on('error', (err) => finish(() => reject(err)));
    child.on('close', (code, signal) => finish(() => reject(new Error(`the run's process exited (${signal ?? `code ${code}`}) before answering`))));
    child.send({ type: 'run', input: { ...input, definition } } satisfies ToRunChild);
  });
}

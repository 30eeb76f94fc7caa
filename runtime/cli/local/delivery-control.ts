/** `destfn pause|resume|status` on the local engine's data: the pause table a running engine reads (local/function-control.ts). */
import { FunctionControlStore } from '../../local/function-control';
import { isAddressedBy, resolveFunctionTarget } from '../../function/names';
import { knownFunctionNames, runningFunctionNames } from '../../local/function-names';
import { runningEnginePid } from '../../local/lock';
import { Queue } from '../../local/queue';
import type { DeliveryControlBackend } from '../delivery-control-backend';
import { controlStatusJson, formatControlStatus, type StatusLine } from '../format-control-status';
import { openLocalData } from './data';

export function createLocalControlBackend(dataDir: string | undefined): DeliveryControlBackend {
  let local: ReturnType<typeof openLocalData> | undefined;
  const data = () => (local ??= openLocalData(dataDir));
  /** The functions `fn` addresses: itself, or every instance `fn:*` of a folder that declares them (function/names.ts). */
  const addressed = (fn: string) => resolveFunctionTarget(fn, knownFunctionNames(data().db), `in ${data().dataDir}`);
  const store = () => new FunctionControlStore(data().db);
  const engine = () => {
    const pid = runningEnginePid(data().dataDir);
    return pid !== null ? `the running engine (pid ${pid})` : null;
  };

  return {
    async pause(target, reason) {
      return addressed(target).map((fn) => {
        if (!store().pause(fn, reason)) return `pause: "${fn}" is already paused.\n`;
        const by = engine();
        return `pause: "${fn}" paused: its events wait in the queue, keeping their attempts. ${by ? `${by[0].toUpperCase()}${by.slice(1)} stops leasing them within a second.` : 'It stays paused when the engine starts.'}\n`;
      }).join('');
    },

    async resume(target) {
      return addressed(target).map((fn) => {
        const had = store().resume(fn);
        const by = engine();
        return `resume: "${fn}" ${had ? 'resumed' : 'was not paused by an operator'}.${by ? ` ${by[0].toUpperCase()}${by.slice(1)} delivers its events now.` : ''}\n`;
      }).join('');
    },

    async status(fn, format = 'text') {
      const s = store();
      const failures = s.loadFailures();
      const running = new Set(runningFunctionNames(data().db));
      const known = knownFunctionNames(data().db);
      // A new folder whose code never loaded runs nothing yet, and is still one to ask about.
      const neverLoaded = failures.map((f) => f.folder).filter((folder) => !known.some((name) => isAddressedBy(folder, name)));
      const all = [...known, ...neverLoaded].sort();
      const names = fn !== undefined ? resolveFunctionTarget(fn, all, `in ${data().dataDir}`) : all;
      const loadFailure = (name: string): StatusLine['loadFailure'] => {
        const failure = failures.find((f) => isAddressedBy(f.folder, name));
        return failure ? { message: failure.message, at: failure.at, previousVersionRunning: running.has(name) } : null;
      };
      const pauses = s.pauses();
      const published = new Map(s.statuses(names.length === 1 ? names[0] : undefined).map((p) => [p.fn, p]));
      const depths = new Queue(data().db).depths();
      const lines = names.map((name): StatusLine => {
        const failure = loadFailure(name);
        return {
          fn: name,
          status: published.get(name)?.status ?? null,
          updatedAt: published.get(name)?.updatedAt ?? null,
          operatorPause: pauses.get(name) ?? null,
          depth: depths[name] ?? { queued: 0, dlq: 0 },
          loadFailure: failure,
          // Not running and no load failure to explain it: its folder (or instance) is gone.
          removed: !running.has(name) && failure === null,
        };
      });
      const engineRunning = engine() !== null;
      return format === 'json' ? controlStatusJson(lines, engineRunning) : formatControlStatus(lines, engineRunning);
    },

    close() {
      local?.db.close();
    },
  };
}

/**
 * The operator commands on the local engine's data (.destfn/, or --data): its SQLite database, whether the
 * engine runs or not. Setting values go to functions/<fn>/settings.local.json, which a running engine reloads.
 */
import { relative } from 'node:path';
import { knownFunctionNames, runningFunctionNames } from '../../local/function-names';
import { runningEnginePid } from '../../local/lock';
import { Queue } from '../../local/queue';
import { RecordStore } from '../../local/records';
import { writeLocalSettingValues } from '../../settings';
import { formatLogs } from '../format-logs';
import type { OperatorBackend } from '../operator-backend';
import { openLocalData } from './data';

const FOLLOW_POLL_MS = 500;

export function createLocalBackend(dataDir: string | undefined): OperatorBackend {
  // Opened on first use: `secrets set` needs no engine data.
  let local: ReturnType<typeof openLocalData> | undefined;
  const data = () => (local ??= openLocalData(dataDir));
  /** The data, once `fn` is a function it knows (else an error naming those it knows). */
  const dataOf = (fn: string) => {
    const opened = data();
    const names = knownFunctionNames(opened.db);
    if (!names.includes(fn)) {
      throw new Error(`no function "${fn}" in ${opened.dataDir}; ${names.length > 0 ? `the functions are: ${names.join(', ')}` : 'no function has run here yet'}`);
    }
    return opened;
  };

  return {
    async knownFunctions() {
      const opened = data();
      return { names: knownFunctionNames(opened.db), where: `in ${opened.dataDir}` };
    },

    async deliveries(fn, query) {
      return new RecordStore(dataOf(fn).db).deliveries(fn, query);
    },

    async logs(fn, { limit, follow, signal }, write) {
      const store = new RecordStore(dataOf(fn).db);
      const first = store.lastLogs(fn, limit);
      if (first.length > 0) write(formatLogs(first));
      if (follow) await followLogs(store, fn, first.at(-1)?.id ?? 0, write, signal);
    },

    async replay(fn) {
      const { db, dataDir: dir } = dataOf(fn);
      const pid = runningEnginePid(dir);
      // The engine moves the queued events of a function it does not run straight back to the DLQ.
      const runs = runningFunctionNames(db).includes(fn);
      if (!runs && pid !== null) {
        throw new Error(`the running engine (pid ${pid}) does not run "${fn}" (it was removed, or did not load): its DLQ keeps its events. Put it back under functions/, then replay.`);
      }
      const moved = new Queue(db).replay(fn);
      const next = moved === 0 ? '' : pid !== null
        ? ` The running engine (pid ${pid}) delivers them now.`
        : runs
          ? ' They are delivered when the engine starts (npm start).'
          : ` The engine did not run "${fn}" the last time: they are delivered if it runs it when it starts, and go back to the DLQ if it does not.`;
      return `replay: moved ${moved} event(s) from the DLQ of "${fn}" back to its queue.${next}\n`;
    },

    async setSecrets(definition, values) {
      const file = writeLocalSettingValues(definition.dir, { ...values }, definition.instance?.name);
      const specs = definition.config.settings;
      const names = Object.keys(values).map((n) => (specs[n].secret ? `${n} (secret)` : n)).join(', ');
      return `set ${names} for "${definition.name}" in ${relative(process.cwd(), file) || file}; a running engine reloads it.\n`;
    },

    close() {
      local?.db.close();
    },
  };
}

/** Writes log entries of `fn` newer than `afterId` as they are stored, until `signal` aborts. */
export function followLogs(store: RecordStore, fn: string, afterId: number, write: (text: string) => void, signal: AbortSignal): Promise<void> {
  let lastId = afterId;
  return new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const next = store.logs(fn, lastId);
      if (next.length > 0) {
        lastId = next[next.length - 1].id;
        write(formatLogs(next));
      }
    }, FOLLOW_POLL_MS);
    const stop = () => { clearInterval(timer); resolve(); };
    if (signal.aborted) stop(); else signal.addEventListener('abort', stop, { once: true });
  });
}

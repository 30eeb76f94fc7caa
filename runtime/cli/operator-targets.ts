/**
 * The functions an operator command's `<function>` addresses: `fn` (itself, or every instance `fn:*` of a folder
 * that declares them) or `fn:eu` (one), among those the backend knows; and their results put together.
 */
import type { DeliveryQuery, DeliveryRecord } from '../delivery';
import { parseFunctionName, resolveFunctionTarget } from '../function/names';
import type { LogsOptions, OperatorBackend } from './operator-backend';
import { projectTargetNames } from './project-targets';

/** Among the functions the backend knows; a backend that cannot list them (--aws): from the project's folder. */
export async function targetNames(backend: OperatorBackend, target: string): Promise<string[]> {
  parseFunctionName(target);
  if (!backend.knownFunctions) return projectTargetNames(target);
  const { names, where } = await backend.knownFunctions();
  return resolveFunctionTarget(target, names, where);
}

/** The records of every addressed function, newest first, at most `query.limit` in all. */
export async function targetDeliveries(backend: OperatorBackend, target: string, query: DeliveryQuery): Promise<DeliveryRecord[]> {
  const names = await targetNames(backend, target);
  const lists = await Promise.all(names.map((name) => backend.deliveries(name, query)));
  if (lists.length === 1) return lists[0];
  const all = lists.flat().sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  return query.limit === undefined ? all : all.slice(0, query.limit);
}

/** Every addressed function's logs; with several, each line starts with `[<function>] `. */
export async function targetLogs(backend: OperatorBackend, target: string, options: LogsOptions, write: (text: string) => void): Promise<void> {
  const names = await targetNames(backend, target);
  if (names.length === 1) return backend.logs(names[0], options, write);
  const tagged = (name: string) => (text: string) => write(text.replace(/^(?=.)/gm, `[${name}] `));
  await Promise.all(names.map((name) => backend.logs(name, options, tagged(name))));
}

/** Replays every addressed function's DLQ; what to tell the user, one line each. */
export async function targetReplay(backend: OperatorBackend, target: string): Promise<string> {
  const names = await targetNames(backend, target);
  let said = '';
  for (const name of names) said += await backend.replay(name);
  return said;
}

/** Privacy controls: remove property paths (`context.ip`, `traits.email`) before a function sees the event. */
import unset from 'lodash/unset';
import cloneDeep from 'lodash/cloneDeep';

export function dropPaths<T extends object>(event: T, paths: readonly string[]): T {
  if (paths.length === 0) return event;
  const copy = cloneDeep(event);
  for (const path of paths) unset(copy, path);
  return copy;
}

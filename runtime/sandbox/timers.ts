/**
 * Timers for function code, tracked so `dispose()` can stop an instance's stray intervals. A callback's
 * throw (or rejected promise) goes to `onError`: uncaught, it would kill the worker thread (or the Lambda)
 * and with it every other event in flight there.
 */

export interface SandboxTimers {
  setTimeout: typeof setTimeout;
  clearTimeout: typeof clearTimeout;
  setInterval: typeof setInterval;
  clearInterval: typeof clearInterval;
  setImmediate: typeof setImmediate;
  clearImmediate: typeof clearImmediate;
  dispose(): void;
}

export function createSandboxTimers(onError: (error: unknown) => void): SandboxTimers {
  const contained = (callback: (...args: unknown[]) => unknown, args: unknown[]) => {
    try {
      const result = callback(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, onError);
    } catch (err) {
      onError(err);
    }
  };

  const timers = new Set<NodeJS.Timeout>();
  const immediates = new Set<NodeJS.Immediate>();

  const wrappedTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      contained(callback, args);
    }, ms);
    timers.add(timer);
    return timer;
  };
  const wrappedInterval = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = setInterval(() => contained(callback, args), ms);
    timers.add(timer);
    return timer;
  };
  const wrappedImmediate = (callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    const immediate = setImmediate(() => {
      immediates.delete(immediate);
      contained(callback, args);
    });
    immediates.add(immediate);
    return immediate;
  };
  const clear = (timer: NodeJS.Timeout | string | number | undefined) => {
    if (timer === undefined) return;
    clearTimeout(timer);
    if (typeof timer === 'object') timers.delete(timer);
  };

  return {
    setTimeout: wrappedTimeout as unknown as typeof setTimeout,
    setInterval: wrappedInterval as unknown as typeof setInterval,
    setImmediate: wrappedImmediate as unknown as typeof setImmediate,
    clearTimeout: clear as typeof clearTimeout,
    clearInterval: clear as typeof clearInterval,
    clearImmediate: ((immediate: NodeJS.Immediate | undefined) => {
      if (!immediate) return;
      clearImmediate(immediate);
      immediates.delete(immediate);
    }) as typeof clearImmediate,
    dispose() {
      for (const timer of timers) clearTimeout(timer);
      for (const immediate of immediates) clearImmediate(immediate);
      timers.clear();
      immediates.clear();
    },
  };
}

/**
 * Calls sharing a key run one after another (different keys run freely). The destination handler keys by
 * messageId so that two copies of one event in a batch cannot both pass the dedupe check before either is
 * recorded as delivered.
 */
export function serializeByKey<T, R>(keyOf: (item: T) => string, fn: (item: T) => Promise<R>): (item: T) => Promise<R> {
  const tails = new Map<string, Promise<unknown>>();
  return (item) => {
    const key = keyOf(item);
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => fn(item));
    tails.set(key, run);
    const forget = () => { if (tails.get(key) === run) tails.delete(key); };
    run.then(forget, forget);
    return run;
  };
}

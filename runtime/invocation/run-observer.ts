/**
 * A caller that runs function code to show what it did (the dev console's Run) can watch one run through this:
 * see and answer each `fetch` the code makes (sandbox/fetch.ts asks `fetch`), and get the value a handler threw
 * (run-guarded.ts hands it to `thrown`, stack included, before it is classified). AsyncLocalStorage: only calls
 * made inside `observeRun(observer, …)` see it; the engine's deliveries never do.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What the sandbox's fetch would do without the observer. */
export type FetchCall = (input: unknown, init?: unknown) => Promise<unknown>;

export interface RunObserver {
  /** Answers the fetch instead of `next` (which makes the real request), or calls it and looks at the answer. */
  fetch?(input: unknown, init: unknown, next: FetchCall): Promise<unknown>;
  thrown?(value: unknown): void;
}

const observers = new AsyncLocalStorage<RunObserver>();

export function observeRun<T>(observer: RunObserver, run: () => T): T {
  return observers.run(observer, run);
}

export function currentRunObserver(): RunObserver | undefined {
  return observers.getStore();
}

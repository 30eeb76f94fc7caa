/** The running functions: one dispatcher per function and the router built from their subscriptions. */
import { basename, join } from 'node:path';
import { createRouter } from '../routing/router';
import type { Route } from './enqueue';
import { Dispatcher, type DispatcherOptions } from './dispatcher';
import { isFunctionDir, loadFunction, type LoadedFunction } from './loader';

export class FunctionRegistry {
  private readonly dispatchers = new Map<string, Dispatcher>();
  private router: Route = () => ({ deliver: [], filtered: [] });

  /** @param changed called when a function is added by hot reload, or removed (once its dispatcher stopped). */
  constructor(private readonly functionsDir: string, private readonly options: DispatcherOptions, private readonly changed: () => void = () => {}) {}

  get route(): Route { return this.router; }
  get names(): string[] { return [...this.dispatchers.keys()].sort(); }
  get(name: string): Dispatcher | undefined { return this.dispatchers.get(name); }
  all(): Dispatcher[] { return [...this.dispatchers.values()]; }

  add(fn: LoadedFunction): void {
    const dispatcher = new Dispatcher(fn, this.options);
    this.dispatchers.set(fn.definition.name, dispatcher);
    this.rebuildRouter();
    dispatcher.wake(); // messages left from a previous run
  }

  wake(names: Iterable<string>): void {
    for (const name of names) this.dispatchers.get(name)?.wake();
  }

  /** Re-read a function folder after a change on disk; a broken save keeps the previous version running. */
  reload(name: string): void {
    const notice = this.options.hooks.notice;
    const dir = join(this.functionsDir, name);
    const existing = this.dispatchers.get(name);
    if (!isFunctionDir(dir)) {
      if (existing) {
        this.dispatchers.delete(name);
        this.rebuildRouter();
        void existing.stop().then(this.changed);
        notice(`${name}: removed`);
      }
      return;
    }
    let fn: LoadedFunction;
    try {
      fn = loadFunction(dir);
    } catch (err) {
      notice(`${name}: reload failed, ${existing ? 'keeping the previous version' : 'not started'}: ${(err as Error).message}`);
      return;
    }
    if (basename(fn.definition.dir) !== name) return;
    if (!existing) {
      this.add(fn);
      this.changed();
      notice(`${name}: added`);
    } else if (existing.loaded.fingerprint !== fn.fingerprint) {
      existing.replace(fn);
      this.rebuildRouter();
      notice(`${name}: reloaded`);
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map((d) => d.stop()));
  }

  private rebuildRouter(): void {
    this.router = createRouter(this.all().map((d) => {
      const config = d.loaded.definition.config;
      return { name: d.name, sources: config.sources, filter: config.filter };
    }));
  }
}

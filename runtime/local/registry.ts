/**
 * The running functions: one dispatcher per function (a folder with instances runs one per instance, named
 * `<folder>:<instance>`) and the router built from their subscriptions.
 */
import { join } from 'node:path';
import { isAddressedBy } from '../function/names';
import { createRouter } from '../routing/router';
import type { Route } from './enqueue';
import { Dispatcher, type DispatcherOptions } from './dispatcher';
import type { FolderFailure } from './function-control';
import { isFunctionDir, loadFunctionFolder, type LoadedFunction } from './loader';

export class FunctionRegistry {
  private readonly dispatchers = new Map<string, Dispatcher>();
  /** By folder name: the error of its last load, while it fails (a running previous version may still deliver). */
  private readonly failures = new Map<string, Omit<FolderFailure, 'folder'>>();
  private router: Route = () => ({ deliver: [], filtered: [] });

  /**
   * @param sourceNames the project's sources: a folder whose `sources` names another does not load.
   * @param changed called when a function is added by hot reload, or removed (once its dispatcher stopped).
   * @param failuresChanged called when `failureList()` changed.
   */
  constructor(
    private readonly functionsDir: string,
    private readonly sourceNames: readonly string[],
    private readonly options: DispatcherOptions,
    private readonly changed: () => void = () => {},
    private readonly failuresChanged: () => void = () => {},
  ) {}

  get route(): Route { return this.router; }
  get names(): string[] { return [...this.dispatchers.keys()].sort(); }
  get(name: string): Dispatcher | undefined { return this.dispatchers.get(name); }
  all(): Dispatcher[] { return [...this.dispatchers.values()]; }

  add(fn: LoadedFunction): void {
    this.start(fn);
    this.rebuildRouter();
  }

  /** The folders whose last save did not load, with why and when. */
  failureList(): FolderFailure[] {
    return [...this.failures].map(([folder, f]) => ({ folder, ...f }));
  }

  wake(names: Iterable<string>): void {
    for (const name of names) this.dispatchers.get(name)?.wake();
  }

  /**
   * Re-read a function folder after a change on disk: its functions (itself, or its instances) are added,
   * replaced or removed together. A broken save keeps every previous one running.
   */
  reload(folder: string): void {
    const notice = this.options.hooks.notice;
    const dir = join(this.functionsDir, folder);
    const existing = this.all().filter((d) => isAddressedBy(folder, d.name));
    let next: LoadedFunction[] = [];
    if (isFunctionDir(dir)) {
      try {
        next = loadFunctionFolder(dir, this.sourceNames);
      } catch (err) {
        this.failures.set(folder, { message: (err as Error).message, at: Date.now() });
        this.failuresChanged();
        notice(`${folder}: reload failed, ${existing.length > 0 ? 'keeping the previous version' : 'not started'}: ${(err as Error).message}`);
        return;
      }
    }
    if (this.failures.delete(folder)) this.failuresChanged();
    const nextNames = new Set(next.map((fn) => fn.definition.name));
    let membership = false;
    for (const dispatcher of existing.filter((d) => !nextNames.has(d.name))) {
      this.dispatchers.delete(dispatcher.name);
      void dispatcher.stop().then(this.changed);
      notice(`${dispatcher.name}: removed`);
    }
    let routing = existing.some((d) => !nextNames.has(d.name));
    for (const fn of next) {
      const current = this.dispatchers.get(fn.definition.name);
      if (!current) {
        this.start(fn);
        membership = routing = true;
        notice(`${fn.definition.name}: added`);
      } else if (current.loaded.fingerprint !== fn.fingerprint) {
        current.replace(fn);
        routing = true;
        notice(`${fn.definition.name}: reloaded`);
      }
    }
    if (routing) this.rebuildRouter();
    if (membership) this.changed();
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map((d) => d.stop()));
  }

  private start(fn: LoadedFunction): void {
    const dispatcher = new Dispatcher(fn, this.options);
    this.dispatchers.set(fn.definition.name, dispatcher);
    dispatcher.wake(); // messages left from a previous run
  }

  private rebuildRouter(): void {
    this.router = createRouter(this.all().map((d) => {
      const config = d.loaded.definition.config;
      return { name: d.name, sources: config.sources, filter: config.filter };
    }));
  }
}

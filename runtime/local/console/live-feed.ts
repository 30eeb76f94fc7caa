/**
 * What the stream pushes, taken from the engine's events while a page listens (and only then): each settled
 * attempt as a `delivery` row and its `log` lines (at most MAX_PER_SECOND of each: under load the `functions`
 * push carries the counts), `reload` when a function's code or its load error changes (checked on each engine
 * notice and each tick), and the whole `functions` body at most every FUNCTIONS_EVERY_MS when something changed.
 */
import type { SettledAttempt } from '../settle';
import type { ConsoleDeps } from './deps';
import { loadErrorView } from './load-error';
import type { StreamHub } from './stream';

export const MAX_PER_SECOND = 50;
export const FUNCTIONS_EVERY_MS = 2000;

/** Lets `limit` things through per second. */
class PerSecond {
  private windowStart = 0;
  private count = 0;
  constructor(private readonly limit: number) {}
  take(now: number): boolean {
    if (now - this.windowStart >= 1000) { this.windowStart = now; this.count = 0; }
    return this.count++ < this.limit;
  }
}

export interface LiveFeed {
  /** Start or stop listening to the engine (the hub says when the first page comes and the last one goes). */
  setActive(active: boolean): void;
  /** Something the functions body shows changed (a replay, a discard…). */
  changed(): void;
}

export function createLiveFeed(deps: ConsoleDeps, hub: StreamHub, functionsBody: () => unknown): LiveFeed {
  const deliveries = new PerSecond(MAX_PER_SECOND);
  const logs = new PerSecond(MAX_PER_SECOND);
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  let versions = new Map<string, string>();

  /** Per function: its code fingerprint, or its load error. */
  const snapshot = (): Map<string, string> => {
    const out = new Map<string, string>();
    for (const fn of deps.running()) out.set(fn.name, `ok ${fn.loaded.fingerprint}`);
    for (const f of deps.failures()) out.set(f.folder, `failed ${f.at} ${f.message}`);
    return out;
  };

  const onSettled = (fn: string, settled: SettledAttempt[]) => {
    dirty = true;
    const now = Date.now();
    const updatedAt = new Date(now).toISOString();
    for (const s of settled) {
      const { message, outcome } = s;
      if (deliveries.take(now)) {
        hub.send('delivery', {
          function: fn, messageId: message.messageId, eventType: message.eventType, eventName: message.eventName, status: s.status,
          attempts: message.attempts, durationMs: outcome.durationMs, updatedAt, lastError: outcome.error,
        });
      }
      if (outcome.logs.length > 0 && logs.take(now)) hub.send('log', { function: fn, messageId: message.messageId, lines: outcome.logs });
    }
  };

  /** Reload results: on every notice, and on each tick (a save that only fixes a failed one is silent). */
  const checkReloads = () => {
    const next = snapshot();
    const failures = new Map(deps.failures().map((f) => [f.folder, f]));
    for (const [name, version] of next) {
      if (versions.get(name) === version) continue;
      const failure = failures.get(name);
      hub.send('reload', failure ? { function: name, ok: false, error: loadErrorView(failure.message, failure.at, deps.rootDir) } : { function: name, ok: true });
      dirty = true;
    }
    versions = next;
  };

  const onNotice = () => {
    dirty = true;
    checkReloads();
  };

  const tick = () => {
    checkReloads();
    if (!dirty) return;
    dirty = false;
    try {
      hub.send('functions', functionsBody());
    } catch (err) {
      deps.onError(err);
    }
  };

  return {
    setActive(active) {
      if (active) {
        versions = snapshot();
        deps.events.on('settled', onSettled);
        deps.events.on('notice', onNotice);
        timer = setInterval(tick, FUNCTIONS_EVERY_MS);
        timer.unref();
      } else {
        deps.events.off('settled', onSettled);
        deps.events.off('notice', onNotice);
        if (timer) clearInterval(timer);
        timer = null;
      }
    },
    changed() { dirty = true; },
  };
}

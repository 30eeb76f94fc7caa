/** `GET /api/functions`: every function with its status, settings (secrets masked), last hour and queue depths. */
import { relative } from 'node:path';
import type { DeliveryControlStatus } from '../../delivery-control';
import type { SettingSpec } from '../../function/config';
import type { ConsoleDeps, RunningFunction } from './deps';
import { loadErrorView, type LoadErrorView } from './load-error';
import type { FunctionMetrics, MetricsQueries } from './metrics';

export interface SettingView { name: string; type: string; required: boolean; secret: boolean; description?: string; value?: unknown; set: boolean }

export interface FunctionView extends FunctionMetrics {
  name: string;
  status: 'loaded' | 'load-failed';
  /** False for a folder that never loaded: nothing delivers its events. */
  running: boolean;
  error?: LoadErrorView;
  file: string | null;
  sources: string[] | null;
  filter: string | null;
  /** Delivery paused (destfn pause, or the breaker); `pausedReason` says why. */
  paused: boolean;
  pausedReason?: string;
  /** How its delivery is adapting now (running functions only). */
  delivery?: DeliveryView;
  settings: SettingView[];
  depth: { queued: number; inFlight: number; dlq: number };
}

/** The delivery control's state as `destfn status` shows it (runtime/delivery-control), the next probe as ISO time. */
export type DeliveryView = Pick<DeliveryControlStatus, 'limit' | 'maxConcurrency' | 'latencyMs' | 'learntRatePerSecond' | 'measuredRatePerSecond' | 'rateLimit' | 'pausedBy'>
  & { nextProbeAt: string | null };

export interface FunctionsBody { functions: FunctionView[]; orphans: Array<{ function: string; count: number }> }

/** The folder a function name comes from (`folder` or `folder:instance`). */
export function folderOf(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(0, colon);
}

/** Declared settings; a secret's value is never given, only whether it is set. */
export function settingViews(specs: Record<string, SettingSpec>, values: Record<string, unknown>): SettingView[] {
  return Object.entries(specs).map(([name, spec]) => {
    const value = values[name];
    const view: SettingView = { name, type: spec.type, required: spec.required, secret: spec.secret, set: value !== undefined };
    if (spec.description) view.description = spec.description;
    if (!spec.secret && value !== undefined) view.value = value;
    return view;
  });
}

export function functionsBody(deps: ConsoleDeps, metrics: MetricsQueries, now = Date.now()): FunctionsBody {
  const depths = deps.queue.depths();
  const failures = new Map(deps.failures().map((f) => [f.folder, f]));
  const running = deps.running();
  const views = running.map((fn) => runningView(deps, fn, depths[fn.name], metrics, now));
  for (const view of views) {
    const failure = failures.get(folderOf(view.name));
    if (failure) Object.assign(view, { status: 'load-failed', error: loadErrorView(failure.message, failure.at, deps.rootDir) });
  }
  const runningFolders = new Set(running.map((fn) => folderOf(fn.name)));
  for (const failure of failures.values()) {
    if (runningFolders.has(failure.folder)) continue;
    views.push({
      name: failure.folder, status: 'load-failed', running: false, error: loadErrorView(failure.message, failure.at, deps.rootDir), file: null,
      sources: null, filter: null, paused: false, settings: [], depth: { queued: depths[failure.folder]?.queued ?? 0, inFlight: 0, dlq: depths[failure.folder]?.dlq ?? 0 },
      ...metrics.of(failure.folder, now),
    });
  }
  views.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new Set(running.map((fn) => fn.name));
  const orphans = Object.entries(depths).filter(([fn, d]) => !names.has(fn) && d.dlq > 0).map(([fn, d]) => ({ function: fn, count: d.dlq }));
  return { functions: views, orphans };
}

function runningView(deps: ConsoleDeps, fn: RunningFunction, depth: { queued: number; dlq: number } | undefined, metrics: MetricsQueries, now: number): FunctionView {
  const { definition, settings } = fn.loaded;
  const c = fn.control;
  return {
    name: fn.name,
    status: 'loaded',
    running: true,
    file: relative(deps.rootDir, definition.source.filename),
    sources: definition.config.sources ?? null,
    filter: definition.config.filter ?? null,
    paused: c.paused,
    ...(c.paused ? { pausedReason: c.reason ?? 'paused' } : {}),
    delivery: {
      limit: c.limit, maxConcurrency: c.maxConcurrency, latencyMs: c.latencyMs, learntRatePerSecond: c.learntRatePerSecond,
      measuredRatePerSecond: c.measuredRatePerSecond, rateLimit: c.rateLimit, pausedBy: c.pausedBy,
      nextProbeAt: c.nextProbeAt === null ? null : new Date(c.nextProbeAt).toISOString(),
    },
    settings: settingViews(definition.config.settings, settings),
    depth: { queued: depth?.queued ?? 0, inFlight: fn.inFlight, dlq: depth?.dlq ?? 0 },
    ...metrics.of(fn.name, now),
  };
}

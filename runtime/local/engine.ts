/**
 * The local engine: `destfn dev`, tests and benches start it with startEngine(). Wires the functions
 * (loader + registry), the SQLite store, the HTTP server, hot reload and graceful stop.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseIngestRequest, type IngestRequest, type SourceCredentials } from '../ingest';
import { loadLocalSourceCredentials, readSourceNames } from '../ingest/sources';
import { acceptedBody, type RejectedEvent } from '../ingest/types';
import { startCheckpointer } from './checkpointer';
import { openDb } from './db';
import type { DeliveryControlStatus } from '../delivery-control';
import { DevSink, sinkPortMismatches } from './dev-sink';
import type { DispatcherOptions } from './dispatcher';
import { FunctionControlStore } from './function-control';
import { createConsole, storedToken, type ConsoleDeps } from './console';
import { consoleAssets, renderConsoleShell } from './console-ui';
import { createEnqueuer, routeAll } from './enqueue';
import { createGroupCommit } from './group-commit';
import { isLoopbackHost } from './host-check';
import { loadAllFunctions } from './loader';
import { acquireEngineLock } from './lock';
import { duplicateLine, noticeLine, outcomeLine } from './live-line';
import { Queue } from './queue';
import { RecordStore } from './records';
import { RejectedLog, rejectedNotices } from './rejected';
import { saveFunctionNames } from './function-names';
import { deadLetterOrphans } from './orphans';
import { FunctionRegistry } from './registry';
import { createServer, DEFAULT_HTTP_LIMITS, type HttpLimits, type IngestAnswer } from './server';
import { createSettler, type SettledAttempt } from './settle';
import { SettleBuffer } from './settle-buffer';
import { watchFunctions, type FunctionsWatcher } from './watcher';
import { workerEntry } from './worker-bundle';
import { stopOrphanedWorkers, WorkerPids } from './worker-pids';
import { listen, closeServers } from './listen';

export interface EngineOptions {
  functionsDir: string;
  /** Default: <rootDir>/.destfn */
  dataDir?: string;
  /** Where destfn.config.json lives. Default: the parent of functionsDir. */
  rootDir?: string;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default: loopback only (127.0.0.1, plus ::1 when available). */
  host?: string;
  /** Multiplies every retry delay. Default: DESTFN_RETRY_SCALE or 1. */
  retryScale?: number;
  /** No live lines and notices on stdout (tests, benches). */
  quiet?: boolean;
  /** Hot reload (default true). */
  watch?: boolean;
  /** Threads per function at most (default: min(4, max(2, cores))). */
  maxWorkersPerFunction?: number;
  /** Where lines go (default stdout). */
  print?: (line: string) => void;
  /** Start one worker per function at once (default true). */
  prewarm?: boolean;
  /** HTTP timeouts and connection cap (default DEFAULT_HTTP_LIMITS, server.ts); tests shorten them. */
  http?: Partial<HttpLimits>;
  /** The dev console's token (every console request). Default: the one kept in the data dir (`console-token`), made at the first start. */
  token?: string;
  /** Tuning of the delivery control (runtime/delivery-control): tests and benches. */
  deliveryControl?: DispatcherOptions['tuning'];
}

export interface EngineStats { requests: number; accepted: number; refused: number; internalErrors: number }

export interface Engine {
  url: string;
  port: number;
  /** Write key of the "dev" source (or the first source). */
  writeKey: string;
  sources: SourceCredentials[];
  dataDir: string;
  /** New at each start: the console's page reloads its data when it changes. */
  engineId: string;
  /** The dev console's token (console/access.ts). */
  token: string;
  functions(): string[];
  queue: Queue;
  records: RecordStore;
  /** Invalid events of batches, left out while the rest was accepted. */
  rejected: RejectedLog;
  sink: DevSink;
  stats: EngineStats;
  /** A running function's delivery control: limit, latency, recent outcomes, paused and why (null: no such function). */
  deliveryStatus(fn: string): DeliveryControlStatus | null;
  /** 'settled' (fn, SettledAttempt[]), 'notice' (text). */
  events: EventEmitter;
  stop(): Promise<void>;
}

const RECORD_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Threads per function unless told otherwise: a few, whatever the core count (each loads the runtime). */
export function defaultMaxWorkers(): number {
  return Math.min(4, Math.max(2, cpus().length));
}

function defaultRetryScale(): number {
  const env = Number(process.env.DESTFN_RETRY_SCALE);
  return Number.isFinite(env) && env > 0 ? env : 1;
}

export async function startEngine(options: EngineOptions): Promise<Engine> {
  const functionsDir = resolve(options.functionsDir);
  const rootDir = resolve(options.rootDir ?? dirname(functionsDir));
  const dataDir = resolve(options.dataDir ?? join(rootDir, '.destfn'));
  const quiet = options.quiet ?? false;
  const print = options.print ?? ((line: string) => { process.stdout.write(`${line}\n`); });
  const events = new EventEmitter();
  const notice = (text: string) => {
    events.emit('notice', text);
    if (!quiet) print(noticeLine(text));
  };

  // Configuration errors (a missing required setting…) stop the start before anything is opened.
  const sourceNames = readSourceNames(rootDir);
  const loaded = loadAllFunctions(functionsDir, sourceNames);
  const sources = loadLocalSourceCredentials(sourceNames, dataDir);
  const releaseLock = acquireEngineLock(dataDir);
  let db: ReturnType<typeof openDb>;
  let consoleToken: string;
  try {
    db = openDb(dataDir);
  } catch (err) {
    releaseLock();
    throw err;
  }
  try {
    consoleToken = options.token ?? storedToken(dataDir); // the data dir exists now (0700)
  } catch (err) {
    db.close();
    releaseLock();
    throw err;
  }
  // Workers of an engine that was killed, still running their function (stuck in a loop): before ours start.
  const orphans = stopOrphanedWorkers(dataDir);
  if (orphans.length > 0) notice(`stopped ${orphans.length} function worker process(es) an earlier engine left running (pid ${orphans.join(', ')})`);
  const workerPids = new WorkerPids(dataDir);
  const checkpointer = startCheckpointer(db);
  const queue = new Queue(db);
  const records = new RecordStore(db);
  const rejectedLog = new RejectedLog(db);
  const control = new FunctionControlStore(db);
  const settle = new SettleBuffer(createSettler(db, queue, records), {
    blocked: (err) => notice(`cannot record outcomes (${(err as { code?: string }).code}): ${err.message}; delivery paused until the store can write again`),
    resumed: () => notice('outcomes recorded again: delivery resumes'),
  });
  const enqueue = createEnqueuer(db, queue, records);
  const commit = createGroupCommit(db);
  records.prune(RECORD_RETENTION_MS);
  const waiting = Object.values(queue.depths()).reduce((n, d) => n + d.queued, 0);
  if (waiting > 0) notice(`${waiting} event(s) waiting in the queues from before: delivering them`);

  const registry = new FunctionRegistry(functionsDir, sourceNames, {
    workerEntry: await workerEntry(),
    prewarm: options.prewarm,
    queue,
    settle,
    retryScale: options.retryScale ?? defaultRetryScale(),
    control,
    tuning: options.deliveryControl,
    maxWorkers: options.maxWorkersPerFunction ?? defaultMaxWorkers(),
    processes: workerPids,
    hooks: {
      settled(fn: string, settled: SettledAttempt[]) {
        events.emit('settled', fn, settled);
        if (!quiet && settled.length > 0) print(settled.map((s) => outcomeLine(s)).join('\n'));
      },
      duplicates(fn, messages) {
        if (!quiet) print(messages.map((m) => duplicateLine(fn, m.messageId)).join('\n'));
      },
      notice,
    },
  }, () => syncFunctionNames(), () => saveLoadFailures());
  for (const fn of loaded) registry.add(fn);
  syncFunctionNames();
  saveLoadFailures(); // every folder loaded: a failure an earlier engine recorded is over

  /** For `destfn status` in another process: which folders' last save did not load. */
  function saveLoadFailures(): void {
    try {
      control.saveLoadFailures(registry.failureList());
    } catch (err) {
      notice(`could not record the functions that failed to load: ${(err as Error).message}`);
    }
  }

  /** Record the functions running now; dead-letter the queued events of any that no longer exists. */
  function syncFunctionNames(): void {
    settle.flush(); // outcomes of a removed function's last events first
    try {
      const moved = db.transaction(() => {
        saveFunctionNames(db, registry.names);
        return deadLetterOrphans(db, queue, records, registry.names, Date.now());
      })();
      for (const [fn, n] of Object.entries(moved)) notice(`${fn}: no such function any more: ${n} queued event(s) moved to its DLQ (destfn deliveries ${fn})`);
    } catch (err) {
      notice(`could not record the functions: ${(err as Error).message}`);
    }
  }

  const stats: EngineStats = { requests: 0, accepted: 0, refused: 0, internalErrors: 0 };
  const engineId = randomUUID();
  const sink = new DevSink(50, quiet ? null : (line) => print(noticeLine(line)), () => registry.all().flatMap((d) => d.loaded.secrets));

  function ingest(req: IngestRequest): IngestAnswer | Promise<IngestAnswer> {
    stats.requests++;
    const result = parseIngestRequest(req, sources);
    if (!result.ok) {
      stats.refused++;
      if (result.rejected) noteRejected(result.rejected.source, [result.rejected.event]);
      return { status: result.status, body: result.body };
    }
    const accepted: IngestAnswer = { status: 200, body: acceptedBody(result.rejected) };
    if (result.rejected.length > 0) noteRejected(result.source, result.rejected);
    const routed = routeAll(result.events, result.source, registry.route);
    if (!routed) {
      stats.accepted += result.events.length; // no function subscribes: accepted, nothing to store
      return accepted;
    }
    return commit(() => enqueue(result.events, routed, Date.now())).then((done): IngestAnswer => {
      registry.wake(done.functions);
      stats.accepted += result.events.length;
      return accepted;
    }, (err: unknown): IngestAnswer => {
      queue.forgetInserted();
      // SQLITE_BUSY / SQLITE_FULL / I/O: nothing was committed; the client retries (dedupe makes that safe).
      const code = (err as { code?: string }).code ?? 'error';
      notice(`ingest: queue unavailable (${code}): ${(err as Error).message}`);
      return { status: 503, body: { success: false, error: `queue unavailable (${code}), retry later` } };
    });
  }

  function noteRejected(source: string, rejected: RejectedEvent[]): void {
    for (const line of rejectedNotices(source, rejected)) notice(line);
    try {
      rejectedLog.record(source, rejected);
    } catch (err) {
      notice(`ingest: rejected events not recorded: ${(err as Error).message}`);
    }
  }

  const servers: http.Server[] = [];
  const serverDeps = {
    ingest,
    sources,
    boundHost: options.host,
    sink,
    health: () => ({ ok: true, functions: registry.names }),
    onError,
    console: createConsole(consoleDeps()),
  };
  function onError(err: unknown): void {
    stats.internalErrors++;
    notice(`internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  }
  function consoleDeps(): ConsoleDeps {
    return {
      engineId, startedAt: new Date().toISOString(), rootDir, functionsDir, retryScale: options.retryScale ?? defaultRetryScale(),
      access: { token: consoleToken, loopbackOnly: options.host === undefined || isLoopbackHost(options.host) },
      sourceNames: sources.map((s) => s.name), db, queue, records, rejected: rejectedLog, sink, events,
      running: () => registry.all().map((d) => ({ name: d.name, loaded: d.loaded, inFlight: d.inFlight, control: d.deliveryStatus() })),
      processes: workerPids,
      failures: () => registry.failureList(),
      wake: (fn) => registry.wake([fn]),
      page: (token) => renderConsoleShell({ token, title: 'destfn console' }),
      assets: consoleAssets,
      onError,
    };
  }

  const httpLimits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.http };
  let port: number;
  try {
    port = await listen(servers, () => createServer(serverDeps, httpLimits), options.port ?? 3000, options.host);
  } catch (err) {
    await registry.stopAll();
    await checkpointer.stop();
    db.close();
    releaseLock();
    throw err;
  }
  if (options.host !== undefined && !isLoopbackHost(options.host)) {
    notice(`listening on ${options.host}, not only loopback: anyone who can reach this machine can send events; the dev console needs its token (open it with ?token=…)`);
  }
  for (const fn of loaded) for (const text of sinkPortMismatches(fn.definition.name, fn.settings, port)) notice(text);
  const watcher: FunctionsWatcher | null = options.watch === false ? null : watchFunctions(functionsDir, (name) => registry.reload(name));

  let stopping: Promise<void> | null = null;
  async function stop(): Promise<void> {
    watcher?.close();
    serverDeps.console.close();
    await closeServers(servers);
    await registry.stopAll();
    settle.close();
    await checkpointer.stop();
    try { db.pragma('wal_checkpoint(TRUNCATE)'); } catch { /* best effort */ }
    db.close();
    releaseLock();
  }

  const writeKey = (sources.find((s) => s.name === 'dev') ?? sources[0])?.writeKey ?? '';
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' && options.host !== '::' ? hostForUrl(options.host) : '127.0.0.1'}:${port}`,
    port,
    writeKey,
    sources,
    dataDir,
    engineId,
    token: consoleToken,
    functions: () => registry.names,
    queue,
    records,
    rejected: rejectedLog,
    sink,
    stats,
    deliveryStatus: (fn) => registry.get(fn)?.deliveryStatus() ?? null,
    events,
    stop: () => (stopping ??= stop()),
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

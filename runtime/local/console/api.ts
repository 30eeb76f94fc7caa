/** The console's JSON API under /api/ (the contract: /tmp/destfn-brief/console-api.md, summarized in docs/ARCHITECTURE.md). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliveryStatus } from '../../delivery';
import { readBody, sendJson } from '../http-io';
import type { ConsoleDeps } from './deps';
import { DeliveryQueries, DELIVERY_STATUSES, MAX_PAGE } from './deliveries-view';
import { deadLetters, discardDead, replayDead, type DlqChange } from './dlq-view';
import { functionsBody } from './functions-view';
import type { LiveFeed } from './live-feed';
import { MetricsQueries } from './metrics';
import { checkRunRequest } from './run/run-request';
import { runInProcess } from './run/run-process';
import { samplesBody } from './samples-view';
import type { StreamHub } from './stream';

/** Console POST bodies are small (an event is at most 32 KB, a stub body a bit more). */
export const MAX_API_BODY_BYTES = 1024 * 1024;

type Send = (status: number, body: unknown) => void;
type Query = URLSearchParams;

export interface ApiContext { deps: ConsoleDeps; hub: StreamHub; feed: LiveFeed; metrics: MetricsQueries; deliveries: DeliveryQueries }

export function createApiContext(deps: ConsoleDeps, hub: StreamHub, feed: LiveFeed): ApiContext {
  return { deps, hub, feed, metrics: new MetricsQueries(deps.db), deliveries: new DeliveryQueries(deps.db, deps.records) };
}

const bad = (send: Send, error: string) => send(400, { error, code: 'bad-input' });
const unknownFunction = (send: Send, name: string) => send(404, { error: `no function "${name}"`, code: 'unknown-function' });

function decodeSegment(text: string): string | null {
  try { return decodeURIComponent(text); } catch { return null; }
}

/** Answers a request to /api/…; the access checks (access.ts) ran before. */
export function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, method: string, path: string, query: Query): void {
  const send: Send = (status, body) => sendJson(res, status, body, { 'cache-control': 'no-store' });
  const parts = path.slice('/api/'.length).split('/').map(decodeSegment);
  if (parts.some((p) => p === null)) return bad(send, 'malformed path');
  const [top, a, b] = parts as string[];
  const { deps } = ctx;

  if (method === 'GET') {
    if (top === 'session' && parts.length === 1) return send(200, { token: deps.access.token, engineId: deps.engineId });
    if (top === 'engine' && parts.length === 1) {
      return send(200, {
        engineId: deps.engineId, startedAt: deps.startedAt, loopbackOnly: deps.access.loopbackOnly, functionsDir: deps.functionsDir,
        retryScale: deps.retryScale, sources: deps.sourceNames.map((name) => ({ name })),
      });
    }
    if (top === 'stream' && parts.length === 1) return ctx.hub.open(req, res);
    if (top === 'functions' && parts.length === 1) return send(200, functionsBody(deps, ctx.metrics));
    if (top === 'functions' && b === 'samples' && parts.length === 3) {
      const fn = deps.running().find((r) => r.name === a);
      return fn ? send(200, samplesBody(deps.db, a, fn.loaded.secrets)) : unknownFunction(send, a);
    }
    if (top === 'deliveries' && parts.length === 1) return listDeliveries(ctx, query, send);
    if (top === 'deliveries' && parts.length === 3) {
      const detail = ctx.deliveries.detail(a, b, deps);
      return detail ? send(200, detail) : send(404, { error: `no delivery record of "${b}" for function "${a}"`, code: 'unknown-record' });
    }
    if (top === 'dlq' && parts.length === 1) {
      return send(200, { dead: deadLetters(deps.db, query.get('function') ?? undefined, new Set(deps.running().map((r) => r.name))) });
    }
    if (top === 'rejected' && parts.length === 1) return send(200, { rejected: deps.rejected.recent(limitOf(query, 50, 1000)) });
    if (top === 'sink' && parts.length === 1) return send(200, { hits: deps.sink.recent() });
    return send(404, { error: `no such API: GET ${path}` });
  }

  if (method === 'POST') {
    if (top === 'functions' && b === 'run' && parts.length === 3) return withBody(req, send, (body) => run(ctx, a, body, send));
    if (top === 'dlq' && (a === 'replay' || a === 'discard') && parts.length === 2) {
      return withBody(req, send, (body) => changeDlq(ctx, a, body, send));
    }
    return send(404, { error: `no such API: POST ${path}` });
  }
  return send(405, { error: `${method} is not allowed here` });
}

function limitOf(query: Query, fallback: number, max: number): number {
  const n = Number(query.get('limit') ?? fallback);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

function listDeliveries(ctx: ApiContext, query: Query, send: Send): void {
  const status = query.get('status') || undefined;
  if (status !== undefined && !DELIVERY_STATUSES.includes(status as DeliveryStatus)) return bad(send, `status must be one of ${DELIVERY_STATUSES.join(', ')}`);
  try {
    send(200, ctx.deliveries.list({
      function: query.get('function') || undefined, status: status as DeliveryStatus | undefined, type: query.get('type') || undefined,
      messageId: query.get('messageId') || undefined, limit: limitOf(query, 50, MAX_PAGE), before: query.get('before') || undefined,
    }, ctx.deps.running().map((r) => r.name)));
  } catch (err) {
    bad(send, (err as Error).message);
  }
}

function withBody(req: IncomingMessage, send: Send, use: (body: unknown) => void): void {
  readBody(req, MAX_API_BODY_BYTES, (result) => {
    if (!result.ok) return send(413, { error: `request body over ${MAX_API_BODY_BYTES} bytes` });
    let body: unknown;
    try {
      body = result.body.length === 0 ? {} : JSON.parse(result.body.toString('utf8'));
    } catch {
      return bad(send, 'the body is not JSON');
    }
    use(body);
  });
}

function run(ctx: ApiContext, name: string, body: unknown, send: Send): void {
  const fn = ctx.deps.running().find((r) => r.name === name);
  if (!fn) return unknownFunction(send, name);
  const checked = checkRunRequest(body, fn.loaded.definition, fn.loaded.settings, ctx.deps.rootDir);
  if (!checked.ok) return bad(send, checked.error);
  runInProcess(checked.input, ctx.deps.processes).then((result) => send(200, result), (err: unknown) => {
    ctx.deps.onError(err);
    send(500, { error: 'internal error while running the function' });
  });
}

function changeDlq(ctx: ApiContext, action: 'replay' | 'discard', body: unknown, send: Send): void {
  const { function: fn, messageId } = (body ?? {}) as { function?: unknown; messageId?: unknown };
  if (typeof fn !== 'string' || fn === '') return bad(send, 'function: a function name is required');
  if (messageId !== undefined && typeof messageId !== 'string') return bad(send, 'messageId: must be a string');
  const running = new Set(ctx.deps.running().map((r) => r.name));
  const change: DlqChange = action === 'replay' ? replayDead(ctx.deps.queue, fn, messageId, running) : discardDead(ctx.deps.queue, fn, messageId);
  if (!change.ok) return send(change.status, { error: change.error, code: 'orphan' });
  if (action === 'replay' && change.count > 0) ctx.deps.wake(fn);
  ctx.feed.changed();
  ctx.hub.send('functions', functionsBody(ctx.deps, ctx.metrics));
  send(200, action === 'replay' ? { replayed: change.count } : { discarded: change.count });
}

/**
 * The dev console's server side (issue 12 §2–3), on the engine's own port: `GET /` (the page, with the console
 * token), `/console/*` (its script and style, from runtime/local/console-ui/), the JSON API `/api/*` (api.ts) and the
 * live stream `/api/stream` (stream.ts, live-feed.ts). Every request passes the access rules of access.ts first.
 * server.ts hands it every request whose path `isConsolePath`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendHtml, sendJson } from '../http-io';
import { refuseConsoleRequest, sameToken, tokenCookie, type Refusal } from './access';
import { createApiContext, handleApi } from './api';
import type { ConsoleDeps } from './deps';
import { functionsBody } from './functions-view';
import { createLiveFeed } from './live-feed';
import { StreamHub } from './stream';

export { newToken, storedToken, type ConsoleAccess } from './access';
export type { ConsoleDeps, FolderFailure, RunningFunction } from './deps';

export interface DevConsole {
  handle(req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams): void;
  /** Ends the live streams (engine stop). */
  close(): void;
}

export function isConsolePath(path: string): boolean {
  return path === '/' || path.startsWith('/api/') || path.startsWith('/console/');
}

export function createConsole(deps: ConsoleDeps): DevConsole {
  let setActive: (active: boolean) => void = () => undefined;
  const hub = new StreamHub(() => ({ engineId: deps.engineId, at: new Date().toISOString() }), (active) => setActive(active));
  const feed = createLiveFeed(deps, hub, () => functionsBody(deps, api.metrics));
  setActive = feed.setActive;
  const api = createApiContext(deps, hub, feed);

  const refuse = (res: ServerResponse, path: string, refusal: Refusal) => {
    if (path.startsWith('/api/')) return sendJson(res, refusal.status, { error: refusal.error, code: refusal.code });
    res.writeHead(refusal.status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${refusal.error}\n`);
  };

  return {
    handle(req, res, method, path, query) {
      // The page is opened once with ?token=… (the URL destfn dev prints): it becomes a cookie and leaves the address bar.
      if (path === '/' && method === 'GET' && query.has('token')) {
        if (!sameToken(query.get('token') ?? undefined, deps.access.token)) return refuse(res, path, { status: 401, error: 'wrong token', code: 'bad-token' });
        res.writeHead(303, { location: '/', 'set-cookie': tokenCookie(deps.access.token), 'cache-control': 'no-store' });
        res.end();
        return;
      }
      const refusal = refuseConsoleRequest(req, method, path, deps.access);
      if (refusal) return refuse(res, path, refusal);
      if (path.startsWith('/api/')) return handleApi(api, req, res, method, path, query);
      if (method !== 'GET' && method !== 'HEAD') return sendJson(res, 405, { error: 'use GET' });
      if (path === '/') return sendHtml(res, 200, deps.page(deps.access.token));
      deps.assets().then((assets) => {
        const asset = assets.get(path);
        if (!asset) return sendJson(res, 404, { error: `no console asset ${path}` });
        res.writeHead(200, { 'content-type': asset.type, 'content-length': Buffer.byteLength(asset.body), 'cache-control': 'no-cache' });
        res.end(method === 'HEAD' ? undefined : asset.body);
      }, (err: unknown) => {
        deps.onError(err);
        sendJson(res, 500, { error: 'the console page could not be built' });
      });
    },
    close() {
      hub.close();
    },
  };
}

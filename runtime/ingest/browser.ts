/**
 * What analytics.js (@segment/analytics-next) asks of Segment besides the tracking routes, answered by this ingest
 * so that pointing its `cdnURL` here is enough:
 * - `GET /v1/projects/<writeKey>/settings` (the CDN's settings): `integrations["Segment.io"]` tells it where to
 *   send events (`apiHost` = this host + `/v1`, `protocol`); the rest is what the CDN sends for a source with no
 *   device-mode destination, plugin or middleware, so it loads nothing else. Its usage metrics are switched off
 *   (`sampleRate: 0`): they would go out by https whatever the protocol here.
 * - `POST /v1/m` (those usage metrics, sent when a page enables them): accepted and dropped.
 * An unknown write key gets 404, as from Segment's CDN; analytics.js then logs the answer and does not load.
 */
import { sourceForWriteKey } from './auth';
import type { IngestRequest, SourceCredentials } from './types';

export interface BrowserAnswer { status: number; body: Record<string, unknown> }

const SETTINGS_PATH = /^\/v1\/projects\/([^/]+)\/settings$/;

/** The answer for a settings or metrics request; null for any other request (the ingest routes). */
export function answerBrowserRequest(req: IngestRequest, sources: SourceCredentials[], protocol: 'http' | 'https'): BrowserAnswer | null {
  const path = String(req.path ?? '').split('?')[0].replace(/\/+$/, '');
  const method = String(req.method ?? '').toUpperCase();
  if (path === '/v1/m') return method === 'POST' ? { status: 200, body: { success: true } } : notAllowed(method, path, 'POST');
  const settings = SETTINGS_PATH.exec(path);
  if (!settings) return null;
  if (method !== 'GET' && method !== 'HEAD') return notAllowed(method, '/v1/projects/…/settings', 'GET');
  let writeKey: string;
  try { writeKey = decodeURIComponent(settings[1]); } catch { return unknownWriteKey(); }
  if (!sourceForWriteKey(writeKey, sources)) return unknownWriteKey();
  const host = req.headers?.host;
  if (!host || !/^[A-Za-z0-9.:[\]-]{1,260}$/.test(host)) return { status: 400, body: { success: false, error: 'a valid Host header is required: the settings name this host as the API host' } };
  return { status: 200, body: browserSettings(writeKey, `${host}/v1`, protocol) };
}

/** The settings analytics.js reads from `<cdnURL>/v1/projects/<writeKey>/settings`. */
export function browserSettings(writeKey: string, apiHost: string, protocol: 'http' | 'https'): Record<string, unknown> {
  return {
    integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol, unbundledIntegrations: [], addBundledMetadata: false, maybeBundledConfigIds: {} } },
    plan: {},
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0, host: apiHost },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}

function unknownWriteKey(): BrowserAnswer {
  return { status: 404, body: { success: false, error: 'no source has this write key' } };
}

function notAllowed(method: string, path: string, allowed: string): BrowserAnswer {
  return { status: 405, body: { success: false, error: `method ${method.slice(0, 20)} is not allowed on ${path}; use ${allowed}` } };
}

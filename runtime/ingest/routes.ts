/**
 * The ingest routes: Segment's HTTP Tracking API, the short paths analytics.js posts to (`/v1/t` … `/v1/b`), and
 * its Webhooks destination (docs/sending-events.md).
 */
import type { EventType } from '../events/types';
import { refuse, type IngestRefusal } from './types';

export type IngestRoute =
  | { kind: 'single'; type: Exclude<EventType, 'delete'> }
  | { kind: 'batch' }
  | { kind: 'webhook'; source: string };

const SINGLE_TYPES = new Set(['track', 'identify', 'page', 'screen', 'group', 'alias']);
/** analytics.js (browser) posts each type to its first letter, and a batch to `/v1/b`. */
const SHORT_PATHS = new Map([['t', 'track'], ['i', 'identify'], ['p', 'page'], ['s', 'screen'], ['g', 'group'], ['a', 'alias'], ['b', 'batch']]);

export function matchRoute(method: string, rawPath: string): IngestRoute | IngestRefusal {
  const path = rawPath.split('?')[0].replace(/\/+$/, '');
  const route = routeOf(path);
  if (!route) return refuse(404, `no such endpoint: ${path.slice(0, 100) || '/'}`);
  if (method.toUpperCase() !== 'POST') return refuse(405, `method ${method.slice(0, 20)} is not allowed on ${path}; use POST`);
  return route;
}

function routeOf(path: string): IngestRoute | null {
  const v1 = /^\/v1\/([a-z]+)$/.exec(path);
  if (v1) {
    const name = SHORT_PATHS.get(v1[1]) ?? v1[1];
    if (name === 'batch' || v1[1] === 'import') return { kind: 'batch' };
    if (SINGLE_TYPES.has(name)) return { kind: 'single', type: name as Exclude<EventType, 'delete'> };
    return null;
  }
  const webhook = /^\/webhook\/([^/]+)$/.exec(path);
  if (webhook) {
    try { return { kind: 'webhook', source: decodeURIComponent(webhook[1]) }; } catch { return null; }
  }
  return null;
}

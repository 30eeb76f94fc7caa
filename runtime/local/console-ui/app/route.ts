/** The page's location: `#/functions`, `#/run/<fn>`, `#/deliveries?…`, `#/deliveries/<fn>/<messageId>`, `#/dlq`, `#/rejected`, `#/sink`. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'functions' }
  | { view: 'run'; fn: string | null }
  | { view: 'deliveries'; query: URLSearchParams }
  | { view: 'delivery'; fn: string; messageId: string }
  | { view: 'dlq' }
  | { view: 'rejected' }
  | { view: 'sink' };

export function parseRoute(hash: string): Route {
  const [path, search = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = path.split('/').filter(Boolean).map((part) => {
    try { return decodeURIComponent(part); } catch { return part; }
  });
  switch (parts[0]) {
    case 'run': return { view: 'run', fn: parts[1] ?? null };
    case 'deliveries':
      return parts.length >= 3 ? { view: 'delivery', fn: parts[1], messageId: parts.slice(2).join('/') } : { view: 'deliveries', query: new URLSearchParams(search) };
    case 'dlq': return { view: 'dlq' };
    case 'rejected': return { view: 'rejected' };
    case 'sink': return { view: 'sink' };
    default: return { view: 'functions' };
  }
}

export const href = {
  functions: () => '#/functions',
  run: (fn?: string) => (fn ? `#/run/${encodeURIComponent(fn)}` : '#/run'),
  deliveries: (query: Record<string, string> = {}) => {
    const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString();
    return search ? `#/deliveries?${search}` : '#/deliveries';
  },
  delivery: (fn: string, messageId: string) => `#/deliveries/${encodeURIComponent(fn)}/${encodeURIComponent(messageId)}`,
  dlq: () => '#/dlq',
  rejected: () => '#/rejected',
  sink: () => '#/sink',
};

export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return parseRoute(hash);
}

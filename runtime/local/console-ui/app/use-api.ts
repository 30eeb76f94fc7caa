/** Fetching a GET of the console API into a view: fetched again when `path` or the engine generation changes. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText, getJson } from './http';
import { useConsole } from './state';

export interface Fetched<T> { data: T | null; error: string | null; loading: boolean; reload(): void }

export function useApi<T>(path: string | null): Fetched<T> {
  const { generation } = useConsole();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const shownPath = useRef<string | null>(null);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    // A new path starts empty; the same path fetched again keeps showing what it had meanwhile.
    if (shownPath.current !== path) setData(null);
    shownPath.current = path;
    setLoading(true);
    getJson<T>(path).then(
      (body) => { if (current) { setData(body); setError(null); setLoading(false); } },
      (err: unknown) => { if (current) { setError(errorText(err)); setLoading(false); } },
    );
    return () => { current = false; };
  }, [path, generation, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** `fn` at most once per `ms` (trailing call kept), e.g. refetching while the stream reports many deliveries. */
export function useThrottled(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); }, []);
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => { timer.current = null; latest.current(); }, ms);
  }, [ms]);
}

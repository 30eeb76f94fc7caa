/**
 * The engine's live updates (`GET /api/stream`, Server-Sent Events). The browser reconnects by itself while the
 * engine restarts (`retry: 1000`); a connection the browser gave up on (an answer other than the stream) is opened
 * again after a pause. `hello` names the engine instance: a new engineId means everything shown is stale.
 */
import type { DeliveryRow, FunctionsBody, StreamHello, StreamLog, StreamReload } from './api-types';

export type LiveState = 'connecting' | 'live' | 'down';

export interface LiveHandlers {
  state(state: LiveState): void;
  hello(hello: StreamHello): void;
  functions(body: FunctionsBody): void;
  delivery(row: DeliveryRow): void;
  reload(reload: StreamReload): void;
  log(log: StreamLog): void;
}

const REOPEN_AFTER_MS = 2000;

export function connectLive(handlers: LiveHandlers): () => void {
  let source: EventSource | null = null;
  let reopen: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const on = <T>(name: string, handle: (data: T) => void) => {
    source!.addEventListener(name, (event) => {
      try { handle(JSON.parse((event as MessageEvent<string>).data) as T); } catch { /* a malformed event is skipped */ }
    });
  };

  const open = () => {
    handlers.state('connecting');
    source = new EventSource('/api/stream');
    source.onopen = () => handlers.state('live');
    source.onerror = () => {
      handlers.state('down');
      if (source?.readyState === EventSource.CLOSED && !closed) {
        source.close();
        reopen = setTimeout(open, REOPEN_AFTER_MS);
      }
    };
    on('hello', handlers.hello);
    on('functions', handlers.functions);
    on('delivery', handlers.delivery);
    on('reload', handlers.reload);
    on('log', handlers.log);
  };

  open();
  return () => {
    closed = true;
    clearTimeout(reopen);
    source?.close();
  };
}

/** The console's frame: header with the views and the live state, the functions kept current, the view of the route. */
import { html } from 'htm/preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FunctionsBody } from './api-types';
import { errorText, getJson, refreshToken } from './http';
import { connectLive, type LiveState } from './live';
import { href, useRoute, type Route } from './route';
import { ConsoleContext, publish, type ConsoleState } from './state';
import { DeliveriesView } from './views/deliveries';
import { DeliveryView } from './views/delivery';
import { DlqView } from './views/dlq';
import { FunctionsView } from './views/functions';
import { RejectedView } from './views/rejected';
import { RunView } from './views/run';
import { SinkView } from './views/sink';

const NAV: Array<{ view: Route['view']; label: string; to: string }> = [
  { view: 'functions', label: 'Functions', to: href.functions() },
  { view: 'run', label: 'Run', to: href.run() },
  { view: 'deliveries', label: 'Deliveries', to: href.deliveries() },
  { view: 'dlq', label: 'DLQ', to: href.dlq() },
  { view: 'rejected', label: 'Rejected', to: href.rejected() },
  { view: 'sink', label: 'Sink', to: href.sink() },
];

const LIVE_LABELS: Record<LiveState, string> = { connecting: 'connecting…', live: 'live', down: 'engine unreachable, reconnecting…' };

function useFunctions(generation: number) {
  const [functions, setFunctions] = useState<FunctionsBody | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    getJson<FunctionsBody>('/api/functions').then(
      (body) => { setFunctions(body); setError(null); },
      (err: unknown) => setError(errorText(err)),
    );
  }, []);
  useEffect(refresh, [refresh, generation]);
  return { functions, setFunctions, error, refresh };
}

export function App() {
  const route = useRoute();
  const [generation, setGeneration] = useState(0);
  const [live, setLive] = useState<LiveState>('connecting');
  const [restartedAt, setRestartedAt] = useState<string | null>(null);
  const bus = useMemo(() => new EventTarget(), []);
  const { functions, setFunctions, error, refresh } = useFunctions(generation);
  const engineId = useRef<string | null>(null);

  useEffect(() => connectLive({
    state: setLive,
    hello: ({ engineId: id, at }) => {
      const previous = engineId.current;
      engineId.current = id;
      if (previous !== null && previous !== id) {
        setRestartedAt(at);
        void refreshToken().finally(() => setGeneration((g) => g + 1));
      }
    },
    functions: setFunctions,
    delivery: (row) => publish(bus, 'delivery', row),
    log: (log) => publish(bus, 'log', log),
    reload: (reload) => { publish(bus, 'reload', reload); refresh(); },
  }), [bus, refresh, setFunctions]);

  // Keyboard and screen-reader users land on the new view's heading, not at the top of the old one. (The skip link
  // focuses <main> itself: its href would be a route.)
  const main = useRef<HTMLElement>(null);
  const firstRoute = useRef(true);
  useEffect(() => {
    if (firstRoute.current) { firstRoute.current = false; return; }
    main.current?.querySelector<HTMLElement>('h2')?.focus({ preventScroll: false });
  }, [route.view]);

  const state: ConsoleState = { functions, functionsError: error, generation, refreshFunctions: refresh, bus };
  return html`<${ConsoleContext.Provider} value=${state}>
    <a class="skip" href="#main" onClick=${(e: Event) => { e.preventDefault(); main.current?.focus(); }}>Skip to content</a>
    <header class="top">
      <h1><span class="brand">destfn</span> dev console</h1>
      <nav aria-label="Views">
        <ul>${NAV.map((item) => html`<li><a href=${item.to} aria-current=${item.view === route.view || (item.view === 'deliveries' && route.view === 'delivery') ? 'page' : undefined}>${item.label}</a></li>`)}</ul>
      </nav>
      <p class=${`live live-${live}`} role="status" aria-live="polite">
        <span class="dot" aria-hidden="true"></span>${LIVE_LABELS[live]}${restartedAt && live === 'live' ? html` <span class="muted">(engine restarted, refreshed)</span>` : null}
      </p>
    </header>
    <main id="main" ref=${main} tabindex="-1">${viewOf(route)}</main>
  </${ConsoleContext.Provider}>`;
}

function viewOf(route: Route) {
  switch (route.view) {
    case 'functions': return html`<${FunctionsView} />`;
    case 'run': return html`<${RunView} key=${`run:${route.fn ?? ''}`} fn=${route.fn} />`;
    case 'deliveries': return html`<${DeliveriesView} query=${route.query} />`;
    case 'delivery': return html`<${DeliveryView} key=${`delivery:${route.fn}/${route.messageId}`} fn=${route.fn} messageId=${route.messageId} />`;
    case 'dlq': return html`<${DlqView} />`;
    case 'rejected': return html`<${RejectedView} />`;
    case 'sink': return html`<${SinkView} />`;
  }
}

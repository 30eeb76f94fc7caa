/**
 * What every view shares: the functions (kept current by the stream), the engine generation (bumped when a new
 * engine instance answers, so views fetch again) and a bus re-broadcasting the stream's delivery/log/reload events.
 */
import { createContext } from 'preact';
import { useContext, useEffect, useRef } from 'preact/hooks';
import type { FunctionsBody } from './api-types';

export interface ConsoleState {
  functions: FunctionsBody | null;
  functionsError: string | null;
  /** Increases each time the engine restarted under the page. */
  generation: number;
  refreshFunctions(): void;
  bus: EventTarget;
}

export const ConsoleContext = createContext<ConsoleState>({
  functions: null,
  functionsError: null,
  generation: 0,
  refreshFunctions: () => undefined,
  bus: new EventTarget(),
});

export const useConsole = (): ConsoleState => useContext(ConsoleContext);

export type BusEvent = 'delivery' | 'log' | 'reload';

export function publish(bus: EventTarget, name: BusEvent, detail: unknown): void {
  bus.dispatchEvent(new CustomEvent(name, { detail }));
}

/** Call `handle` for each `name` event of the stream while the component is mounted (the latest `handle`). */
export function useLiveEvent<T>(name: BusEvent, handle: (detail: T) => void): void {
  const { bus } = useConsole();
  const latest = useRef(handle);
  latest.current = handle;
  useEffect(() => {
    const listener = (event: Event) => latest.current((event as CustomEvent<T>).detail);
    bus.addEventListener(name, listener);
    return () => bus.removeEventListener(name, listener);
  }, [bus, name]);
}

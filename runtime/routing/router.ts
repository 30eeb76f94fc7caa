/** Which functions receive an event from a source: subscription by source, then the function's filter. */
import type { SegmentEvent } from '../events/types';
import { compileFilter } from './filter';

export interface Subscriber { name: string; sources?: string[]; filter?: string }

export interface Routing {
  /** Subscribed to the source and the filter matched (or there is none). */
  deliver: string[];
  /** Subscribed to the source but the filter did not match (locally these get a 'filtered' delivery record). */
  filtered: string[];
}

/** Compiles every filter once; throws FunctionConfigError naming the function when a filter is invalid. */
export function createRouter(subscribers: Subscriber[]): (event: SegmentEvent, source: string) => Routing {
  const compiled = subscribers.map((s) => ({
    name: s.name,
    sources: s.sources ? new Set(s.sources) : null,
    filter: compileFilter(s.name, s.filter),
  }));
  return (event, source) => {
    const routing: Routing = { deliver: [], filtered: [] };
    for (const s of compiled) {
      if (s.sources && !s.sources.has(source)) continue;
      (s.filter.matches(event) ? routing.deliver : routing.filtered).push(s.name);
    }
    return routing;
  };
}

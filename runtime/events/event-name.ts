import type { SegmentEvent } from './types';

/** The name a delivery record shows beside the type: `event` of a track, `name` of a page or screen. */
export function eventName(event: SegmentEvent): string | null {
  const name = event.type === 'track' ? event.event : event.type === 'page' || event.type === 'screen' ? event.name : null;
  return typeof name === 'string' ? name : null;
}

/** Which handler a Segment event type is dispatched to. */
import type { EventType } from '../events/types';

export const HANDLER_BY_TYPE = {
  track: 'onTrack',
  identify: 'onIdentify',
  page: 'onPage',
  screen: 'onScreen',
  group: 'onGroup',
  alias: 'onAlias',
  delete: 'onDelete',
} as const satisfies Record<EventType, string>;

export type EventHandlerName = (typeof HANDLER_BY_TYPE)[EventType];
export type HandlerName = EventHandlerName | 'onBatch';
export const HANDLER_NAMES: readonly HandlerName[] = [...Object.values(HANDLER_BY_TYPE), 'onBatch'];

export function handlerNameFor(type: unknown): EventHandlerName | undefined {
  return typeof type === 'string' && Object.hasOwn(HANDLER_BY_TYPE, type)
    ? HANDLER_BY_TYPE[type as EventType]
    : undefined;
}

export function unsupportedMessage(type: unknown): string {
  const handler = handlerNameFor(type);
  const shown = typeof type === 'string' ? `"${type}"` : String(type);
  return handler
    ? `Event type ${shown} is not supported (the function defines no ${handler} handler)`
    : `Event type ${shown} is not supported`;
}

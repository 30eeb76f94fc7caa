/** Segment-spec event types, as a destination function receives them. */

export type EventType = 'track' | 'identify' | 'page' | 'screen' | 'group' | 'alias' | 'delete';
export const EVENT_TYPES: readonly EventType[] = ['track', 'identify', 'page', 'screen', 'group', 'alias', 'delete'];

export type JsonObject = { [key: string]: unknown };

export interface BaseEvent {
  type: EventType;
  messageId: string;
  userId?: string | null;
  anonymousId?: string | null;
  timestamp?: string;
  sentAt?: string;
  receivedAt?: string;
  originalTimestamp?: string;
  context?: JsonObject;
  integrations?: JsonObject;
  [key: string]: unknown;
}

export interface TrackEvent extends BaseEvent { type: 'track'; event: string; properties?: JsonObject }
export interface IdentifyEvent extends BaseEvent { type: 'identify'; traits?: JsonObject }
export interface PageEvent extends BaseEvent { type: 'page'; name?: string; category?: string; properties?: JsonObject }
export interface ScreenEvent extends BaseEvent { type: 'screen'; name?: string; properties?: JsonObject }
export interface GroupEvent extends BaseEvent { type: 'group'; groupId: string; traits?: JsonObject }
export interface AliasEvent extends BaseEvent { type: 'alias'; previousId: string }
export interface DeleteEvent extends BaseEvent { type: 'delete' }

export type SegmentEvent =
  | TrackEvent | IdentifyEvent | PageEvent | ScreenEvent | GroupEvent | AliasEvent | DeleteEvent;

/**
 * Typed helper for module-style functions:
 *
 *   import { defineFunction, RetryError } from 'destfn';
 *   export default defineFunction({
 *     settings: { url: { type: 'string', required: true }, events: { type: 'array' } },
 *     async onTrack(event, settings) {   // event: TrackEvent, settings: { url: string; events?: string[]; apiKey?: string }
 *       …
 *     },
 *   });
 *
 * `settings` mirrors function.json (which stays the declaration destfn deploys from); the runtime
 * checks at load that every setting named here exists there with the same type.
 */
import type {
  AliasEvent, DeleteEvent, GroupEvent, IdentifyEvent, PageEvent, ScreenEvent, SegmentEvent, TrackEvent,
} from '../events/types';

export type SettingType = 'string' | 'boolean' | 'array' | 'map';

export interface SettingDeclaration {
  type: SettingType;
  required?: boolean;
  secret?: boolean;
  default?: unknown;
  description?: string;
}

export type SettingDeclarations = Record<string, SettingDeclaration>;

export type SettingValue<T extends SettingType> = T extends 'string' ? string
  : T extends 'boolean' ? boolean
    : T extends 'array' ? string[]
      : Record<string, string>;

type AlwaysPresent<D> = { [K in keyof D]: D[K] extends { required: true } | { default: string | boolean | object } ? K : never }[keyof D];

/** The settings object a handler receives, from the declarations (plus the default `apiKey`). */
export type SettingsOf<D extends SettingDeclarations> =
  & { [K in AlwaysPresent<D>]: SettingValue<D[K]['type']> }
  & { [K in Exclude<keyof D, AlwaysPresent<D>>]?: SettingValue<D[K]['type']> }
  & ('apiKey' extends keyof D ? unknown : { apiKey?: string });

export type Handler<E, S> = (event: E, settings: S) => unknown;

/**
 * The handlers a function may define, one per event type; an event whose type has no handler is discarded
 * as not supported.
 *
 * @example
 * async function onIdentify(event: IdentifyEvent, settings) {
 *   if (!event.userId) throw new InvalidEventPayload('identify without a userId');
 *   return { upserted: event.userId };
 * }
 */
export interface FunctionHandlers<S> {
  onTrack?: Handler<TrackEvent, S>;
  onIdentify?: Handler<IdentifyEvent, S>;
  onPage?: Handler<PageEvent, S>;
  onScreen?: Handler<ScreenEvent, S>;
  onGroup?: Handler<GroupEvent, S>;
  onAlias?: Handler<AliasEvent, S>;
  onDelete?: Handler<DeleteEvent, S>;
  /** Returns one result per event, aligned by index (an Error entry fails that event). */
  onBatch?: (events: SegmentEvent[], settings: S) => unknown;
}

export type FunctionDefinitionInput<D extends SettingDeclarations> = { settings?: D } & FunctionHandlers<SettingsOf<D>>;

/**
 * Declares a module-style function: its settings (as in function.json) and its handlers, typed from them.
 * What a handler returns is recorded as the delivery's result; what it throws decides what happens next
 * (see the error classes: `RetryError`, `EventNotSupported`, `InvalidEventPayload`, `ValidationError`).
 *
 * @example
 * import { defineFunction, RetryError } from 'destfn';
 *
 * export default defineFunction({
 *   settings: { url: { type: 'string', required: true }, apiKey: { type: 'string', secret: true } },
 *   async onTrack(event, settings) {
 *     const response = await fetch(settings.url, {
 *       method: 'POST',
 *       headers: { 'content-type': 'application/json', authorization: `Bearer ${settings.apiKey}` },
 *       body: JSON.stringify({ name: event.event, properties: event.properties }),
 *     });
 *     if (response.status === 429 || response.status >= 500) throw new RetryError(`status ${response.status}`);
 *     return response.json();
 *   },
 * });
 */
export function defineFunction<const D extends SettingDeclarations = Record<never, SettingDeclaration>>(
  definition: FunctionDefinitionInput<D>,
): FunctionDefinitionInput<D> {
  return definition;
}

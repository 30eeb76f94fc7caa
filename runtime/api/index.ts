/**
 * What module-style function code imports as 'destfn' (or '@destfn/runtime'); esbuild aliases
 * those names to this file when bundling a function.
 */
export { EventNotSupported, InvalidEventPayload, ValidationError, RetryError, type RetryErrorOptions } from './errors';
export { defineFunction } from './define-function';
export type {
  FunctionDefinitionInput, FunctionHandlers, Handler, SettingDeclaration, SettingDeclarations, SettingType, SettingValue, SettingsOf,
} from './define-function';
export type {
  AliasEvent, BaseEvent, DeleteEvent, EventType, GroupEvent, IdentifyEvent, JsonObject, PageEvent, ScreenEvent, SegmentEvent, TrackEvent,
} from '../events/types';
export type { Settings } from '../settings/resolve';

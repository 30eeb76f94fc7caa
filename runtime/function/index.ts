/**
 * A function: the folder functions/<name>/ read into a definition, and the loaded instance that runs it.
 *
 * - config.ts: function.json's schema (zod) with its defaults, parsed and read;
 * - definition.ts: a folder → { name, dir, config, source } (the source via runtime/source/), every folder of functions/;
 * - instances.ts: a folder declaring `instances` → one definition per instance, named `<folder>:<instance>` (names.ts);
 * - subscribed-sources.ts: `sources` must name sources the project declares;
 * - version.ts: the code version (short hash of source, resolved config, committed settings) every record carries;
 * - instance.ts: the code evaluated once in its own vm context, invoked per event or per batch; every failure an Outcome;
 * - dispatch.ts: which handler (onTrack…) an event type goes to.
 *
 * The destination Lambda imports instance.ts directly, not this face: config.ts builds zod schemas at load, and
 * the Lambda reads function.resolved.json instead (runtime/aws/resolved-function.ts).
 */
export {
  DEFAULT_SETTINGS, NAME_PATTERN, parseFunctionConfig, readFunctionConfig, type FunctionConfig, type InstanceConfig, type RetryConfig, type SettingSpec,
} from './config';
export { discoverFunctions, subfolderNames, readFunctionDefinition, readFunctionFolder, type DefinitionInstance, type FunctionDefinition } from './definition';
export { expandInstances } from './instances';
export { INSTANCE_SEPARATOR, instanceFunctionName, isAddressedBy, parseFunctionName, resolveFunctionTarget } from './names';
export { codeVersion, VERSION_LENGTH } from './version';
export { assertKnownSources } from './subscribed-sources';
export { BATCH_FALLBACK_CONCURRENCY, createFunctionInstance, type FunctionInstance } from './instance';
export { HANDLER_BY_TYPE, HANDLER_NAMES, handlerNameFor, unsupportedMessage, type EventHandlerName, type HandlerName } from './dispatch';

/**
 * A loaded function: its code evaluated once in its own vm context (warm state persists across
 * events), invoked per event or per batch. Every handler failure becomes an Outcome, never a throw.
 */
import vm from 'node:vm';
import unset from 'lodash/unset';
import { describeThrown } from '../delivery/classify';
import { HANDLER_NAMES, handlerNameFor, unsupportedMessage } from './dispatch';
import { EventNotSupported, FunctionConfigError } from '../api/errors';
import type { SegmentEvent } from '../events/types';
import type { FunctionDefinition } from './definition';
import { batchOutcomes } from '../invocation/batch-outcomes';
import { checkDeclaredSettings } from '../invocation/declared-settings';
import { EventScope, eventScopes } from '../invocation/event-scope';
import { mapLimit } from '../invocation/map-limit';
import { outcomeOf, type OutcomeContext } from '../invocation/outcome-of';
import { runGuarded, type HandlerResult } from '../invocation/run-guarded';
import type { Outcome } from '../delivery/outcome';
import { createRedactor } from '../settings/redact';
import { evaluateSource, type Handlers } from '../sandbox/evaluate';
import { createSandbox } from '../sandbox/globals';
import { secretValues, type Settings } from '../settings/resolve';
import { displayPath } from '../source/display-path';

export interface FunctionInstance {
  readonly definition: FunctionDefinition;
  /** Console output of the top-level code (and of timers running outside any event), redacted and capped. */
  readonly loadLogs: string[];
  /** The code defines onBatch (found when it was evaluated, not by reading its text). */
  readonly hasOnBatch: boolean;
  /** Drop paths, dispatch by type, timeout (aborts the event's fetches), classify, capture + redact logs. */
  invoke(event: SegmentEvent): Promise<Outcome>;
  /**
   * `invoke` for an event held as JSON (a queued event): parsed once, straight into the function's realm, instead
   * of parsed here and copied in. The same outcome as `invoke(JSON.parse(json))`; throws that parse's SyntaxError.
   */
  invokeJson(json: string): Promise<Outcome>;
  /** onBatch when defined (outcomes aligned by index), else invoke each event (a few at a time). */
  invokeBatch(events: SegmentEvent[]): Promise<Outcome[]>;
  /**
   * Events that reach the function together (queued together locally, let through together on AWS): one alone
   * through `invoke` (its type's handler), several through `invokeBatch`.
   */
  invokeTogether(events: SegmentEvent[]): Promise<Outcome[]>;
  /** Clears the timers and intervals the function code left running. */
  dispose(): void;
}

export const BATCH_FALLBACK_CONCURRENCY = 10;

/**
 * Evaluates the code once. Throws FunctionConfigError when the code throws at load, defines no
 * handler, or declares settings (defineFunction) that disagree with function.json.
 * `settings` must already be resolved (resolveSettings).
 */
export function createFunctionInstance(def: FunctionDefinition, settings: Settings): FunctionInstance {
  const redact = createRedactor(secretValues(def, settings));
  const loadScope = new EventScope(redact);
  const sandbox = createSandbox(def.name, () => loadScope.logs);
  const context = sandbox.context;
  let handlers: Handlers;
  try {
    const evaluated = eventScopes.run(loadScope, () => evaluateSource(def.source, context));
    checkDeclaredSettings(def, evaluated.declaredSettings);
    handlers = evaluated.handlers;
  } catch (err) {
    sandbox.dispose();
    if (err instanceof FunctionConfigError) throw err;
    const { name, message } = describeThrown(err);
    throw new FunctionConfigError(redact(`function "${def.name}": ${displayPath(def.source.filename)} failed to load: ${name}: ${message}`));
  }
  if (!HANDLER_NAMES.some((n) => handlers[n])) {
    sandbox.dispose();
    throw new FunctionConfigError(`function "${def.name}": ${displayPath(def.source.filename)} defines no handler (${HANDLER_NAMES.join(', ')})`);
  }

  // Events and settings reach the handler as fresh copies made by the context's own JSON.parse:
  // mutations cannot leak into the caller or the next event, and objects belong to the function's realm.
  const parseInContext = vm.runInContext('JSON.parse', context) as (text: string) => unknown;
  const settingsJson = JSON.stringify(settings);
  const dropped = def.config.drop;
  const dropPaths = (copy: unknown): unknown => {
    if (dropped.length) for (const event of Array.isArray(copy) ? copy : [copy]) for (const path of dropped) unset(event, path);
    return copy;
  };
  const prepare = (value: SegmentEvent | SegmentEvent[]): unknown => dropPaths(parseInContext(JSON.stringify(value)));

  const timeoutMs = def.config.timeoutSeconds * 1000;
  const timeoutMessage = `function "${def.name}" timed out after ${def.config.timeoutSeconds} s`;
  const outcomeContext: OutcomeContext = { onUnknownError: def.config.onUnknownError, redact };
  const elapsed = (since: number) => Math.round((performance.now() - since) * 100) / 100;

  /** `copy` makes the handler's own copy of the event; `type` and `messageId` are read before the handler runs. */
  const run = async (type: unknown, messageId: string, copy: () => unknown, startedAt: number): Promise<Outcome> => {
    const scope = new EventScope(redact);
    const name = handlerNameFor(type);
    const handler = name && handlers[name];
    const handlerResult: HandlerResult = handler
      ? await runGuarded(scope, timeoutMs, timeoutMessage, () => handler(copy(), parseInContext(settingsJson)))
      : { ok: false, thrown: new EventNotSupported(unsupportedMessage(type)) };
    return outcomeOf(messageId, handlerResult, scope.logs.close(), elapsed(startedAt), outcomeContext, scope);
  };

  /**
   * An event whose type has no handler of its own goes to onBatch, alone, rather than being discarded as not
   * supported: a function may define onBatch alone (Segment has called onBatch for a batch of one since 2021), and
   * an event that arrives alone is invoked alone (invokeTogether).
   */
  const hasOnBatch = typeof handlers.onBatch === 'function';
  const toBatchAlone = (type: unknown): boolean => {
    if (!hasOnBatch) return false;
    const name = handlerNameFor(type);
    return name !== undefined && !handlers[name];
  };
  const batchOfOne = async (event: SegmentEvent): Promise<Outcome> => (await invokeBatch([event]))[0];

  const invoke = (event: SegmentEvent): Promise<Outcome> => {
    if (toBatchAlone(event?.type)) return batchOfOne(event);
    return run(event?.type, messageIdOf(event), () => prepare(event), performance.now());
  };

  const invokeJson = (json: string): Promise<Outcome> => {
    const startedAt = performance.now();
    let event: unknown;
    try {
      event = parseInContext(json);
    } catch (err) {
      // The context's SyntaxError, as this realm's (what JSON.parse here throws).
      throw new SyntaxError((err as Error).message);
    }
    const { type } = (event ?? {}) as { type?: unknown };
    if (toBatchAlone(type)) return batchOfOne(JSON.parse(json) as SegmentEvent);
    return run(type, messageIdOf(event), () => dropPaths(event), startedAt);
  };

  const invokeBatch = async (events: SegmentEvent[]): Promise<Outcome[]> => {
    const onBatch = handlers.onBatch;
    if (!onBatch) return mapLimit(events, BATCH_FALLBACK_CONCURRENCY, invoke);
    if (events.length === 0) return [];
    const startedAt = performance.now();
    const scope = new EventScope(redact);
    const handlerResult = await runGuarded(scope, timeoutMs, timeoutMessage, () => onBatch(prepare(events), parseInContext(settingsJson)));
    return batchOutcomes(events.map(messageIdOf), handlerResult, scope.logs.close(), elapsed(startedAt), outcomeContext, scope);
  };

  const invokeTogether = async (events: SegmentEvent[]): Promise<Outcome[]> => (events.length === 1 ? [await invoke(events[0])] : invokeBatch(events));

  return {
    definition: def,
    get loadLogs() { return loadScope.logs.snapshot(); },
    hasOnBatch,
    invoke,
    invokeJson,
    invokeBatch,
    invokeTogether,
    dispose: () => sandbox.dispose(),
  };
}

function messageIdOf(event: unknown): string {
  const id = (event as { messageId?: unknown } | null)?.messageId;
  return typeof id === 'string' ? id : '';
}

/**
 * One console Run (the Segment editor's Run button, and more): the event through the function's code with the
 * given settings, its requests recorded and stubbed or made for real (fetch-capture.ts), the thrown error's stack
 * mapped to the user's lines (stack-frames.ts). Nothing is queued or recorded: the queue, the delivery records and
 * the logs table are not touched. Every text that leaves is redacted with the run's secrets (overrides included).
 * It runs in a process of its own (run-process.ts, run-child.ts), as deliveries do.
 */
import type { FunctionDefinition } from '../../../function/definition';
import { createFunctionInstance } from '../../../function/instance';
import type { SegmentEvent } from '../../../events/types';
import { describeThrown } from '../../../delivery/classify';
import type { Outcome, OutcomeError } from '../../../delivery/outcome';
import { batchRunLogs } from '../../../invocation/batch-logs';
import { observeRun } from '../../../invocation/run-observer';
import { compileFilter } from '../../../routing/filter';
import { createRedactor, redactDeep, type Redactor } from '../../../settings/redact';
import { secretValues, type Settings } from '../../../settings/resolve';
import { DEFAULT_STUB, fetchCapture, type OutboundRequest, type StubResponse } from './fetch-capture';
import { loadErrorView } from '../load-error';
import { frameMapper, type StackFrame } from './stack-frames';

export interface RunInput {
  definition: FunctionDefinition;
  /** Resolved settings, overrides applied. */
  settings: Settings;
  /** One event, or a batch: onBatch when the function has one, else each event through its handler (as `destfn run`). */
  event: SegmentEvent | SegmentEvent[];
  network: 'stub' | 'real';
  stub?: StubResponse;
  /** Stack frame paths are relative to this (the project). */
  rootDir: string;
}

export interface RunResult {
  ok: boolean;
  /** 'failed': the function could not load with these settings (error says why). */
  status: 'delivered' | 'discarded' | 'retry' | 'failed';
  reason: string | null;
  durationMs: number;
  /** Callback Return: what the handler returned (JSON), absent when it returned nothing or threw. */
  result?: unknown;
  error?: { name: string; message: string; stack: StackFrame[] };
  logs: string[];
  loadLogs: string[];
  requests: OutboundRequest[];
  filterNote: string | null;
  network: 'stub' | 'real';
  /** A batch: each event's fate, in order (`status` above is the worst of them). */
  events?: BatchEventResult[];
  /** A batch went to onBatch (else each event through its own handler). */
  onBatch?: boolean;
}

export interface BatchEventResult {
  messageId: string;
  status: RunResult['status'];
  reason: string | null;
  result?: unknown;
  error?: { name: string; message: string };
}

/** The result of a run whose function could not load (or compile) with these settings. */
export function loadFailure(err: unknown, redact: Redactor, rootDir: string, durationMs = 0): Omit<RunResult, 'requests' | 'network' | 'filterNote'> {
  const { name, message } = describeThrown(err);
  const text = redact(message);
  return { ok: false, status: 'failed', reason: null, durationMs, logs: [], loadLogs: [], error: { name: redact(name), message: text, stack: locationOf(text, rootDir) } };
}

/** Runs where it is called: in the console's run process (run-process.ts), never in the engine. */
export async function executeRun(input: RunInput): Promise<RunResult> {
  const { definition, settings, event, network } = input;
  const redact = createRedactor(secretValues(definition, settings));
  const capture = fetchCapture(network, input.stub ?? DEFAULT_STUB, redact);
  let thrown: unknown;
  const observer = { fetch: capture.observe, thrown: (value: unknown) => { thrown = value; } };
  const filter = compileFilter(definition.name, definition.config.filter);
  const base = { requests: capture.requests, network, filterNote: filterNote(filter, event) };

  const { source } = definition;
  const started = performance.now();
  let instance: ReturnType<typeof createFunctionInstance>;
  try {
    instance = observeRun(observer, () => createFunctionInstance(definition, settings));
  } catch (err) {
    return { ...base, ...loadFailure(err, redact, input.rootDir, elapsed(started)) };
  }
  // The stack is the last throw's; in a batch, that may be another event's error than the one shown: then none.
  const withStack = (error: OutcomeError): NonNullable<RunResult['error']> => {
    const last = thrown === undefined ? null : describeThrown(thrown);
    const same = last !== null && redact(last.name) === error.name && redact(last.message) === error.message;
    const frames = same ? frameMapper(source, input.rootDir).frames(stackOf(thrown)) : [];
    return { ...error, stack: redactDeep(frames, redact) as StackFrame[] };
  };
  try {
    if (Array.isArray(event)) {
      const outcomes = await observeRun(observer, () => instance.invokeBatch(event));
      return { ...base, ...batchResult(outcomes, instance.hasOnBatch, withStack), loadLogs: instance.loadLogs };
    }
    const outcome = await observeRun(observer, () => instance.invoke(event));
    const result: RunResult = {
      ...base, ok: outcome.status === 'delivered', status: outcome.status, reason: outcome.reason, durationMs: outcome.durationMs,
      logs: outcome.logs, loadLogs: instance.loadLogs,
    };
    if (outcome.result !== undefined) result.result = outcome.result;
    if (outcome.error) result.error = withStack(outcome.error);
    return result;
  } finally {
    instance.dispose();
  }
}

/** The worst status first: one event to retry makes the batch's status "retry". */
const WORST_FIRST: ReadonlyArray<Outcome['status']> = ['retry', 'discarded', 'delivered'];

/** A batch's Run: each event's fate; the worst one as the Run's status, its error (with the stack of the last throw). */
function batchResult(outcomes: Outcome[], onBatch: boolean, withStack: (error: OutcomeError) => NonNullable<RunResult['error']>): Omit<RunResult, 'requests' | 'network' | 'filterNote' | 'loadLogs'> {
  const worst = WORST_FIRST.map((status) => outcomes.find((o) => o.status === status)).find((o) => o !== undefined) ?? outcomes[0];
  const events = outcomes.map(({ messageId, status, reason, result, error }): BatchEventResult => ({
    messageId, status, reason, ...(result !== undefined ? { result } : {}), ...(error ? { error } : {}),
  }));
  return {
    ok: worst.status === 'delivered', status: worst.status, reason: worst.reason,
    durationMs: Math.max(...outcomes.map((o) => o.durationMs)), logs: batchRunLogs(outcomes, onBatch), events, onBatch,
    ...(worst.error ? { error: withStack(worst.error) } : {}),
  };
}

function filterNote(filter: ReturnType<typeof compileFilter>, event: SegmentEvent | SegmentEvent[]): string | null {
  if (!Array.isArray(event)) return filter.matches(event) ? null : `the function's filter ${filter.source} does not match this event: the engine would not deliver it`;
  const unmatched = event.flatMap((e, i) => (filter.matches(e) ? [] : [i]));
  return unmatched.length === 0 ? null : `the function's filter ${filter.source} does not match event${unmatched.length > 1 ? 's' : ''} ${unmatched.join(', ')}: the engine would not deliver ${unmatched.length > 1 ? 'them' : 'it'}`;
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 100) / 100;
}

function stackOf(value: unknown): unknown {
  try {
    return (value as { stack?: unknown } | null)?.stack;
  } catch {
    return undefined;
  }
}

/** A load error names its place as `file:line:column` (esbuild) when it knows it. */
function locationOf(message: string, rootDir: string): StackFrame[] {
  const { file, line, column } = loadErrorView(message, undefined, rootDir);
  return file !== undefined && line !== undefined ? [{ file, line, column: column ?? 1 }] : [];
}

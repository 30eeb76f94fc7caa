/**
 * How many events of a batch run at once in the destination Lambda.
 *
 * `limitConcurrency`: at most `limit` at once, the others wait their turn (FIFO).
 *
 * `limitDelivery`: the delivery control of the local engine (runtime/delivery-control) inside each Lambda instance,
 * kept across the invocations of a warm instance: an adaptive concurrency limit whose ceiling is the events one
 * invocation runs at once (recordConcurrency, the stack's share of function.json maxConcurrency per invocation),
 * a rate ceiling learnt from refusals, `rateLimit` split evenly over the event source's concurrent invocations
 * (perSecond ÷ invocations, burst likewise, at least 1: never exceeded in total, at the cost of delivering below it
 * while fewer instances run), and the circuit breaker. An event that arrives while the breaker is open and is not
 * its probe is not run: it throws DeferredRecord with the time until the next probe, which becomes its message's
 * visibility, and the message is reported as a batch item failure. Unlike locally, where a paused function's events are not leased at all, SQS counts that receive as an
 * attempt (ApproximateReceiveCount against the redrive policy's maxReceiveCount), so the deferral grows with the
 * length of the outage (30 s … 15 min) to spend few of them; `destfn pause <fn> --aws` (the event source
 * mapping disabled) is the pause that costs none. Each change of state, and at most every minute otherwise, one
 * EMF line: Paused (0/1) and ConcurrencyLimit, dimensions service and function (as the delivery metrics).
 */
import { DeliveryControl, type DeliveryControlOptions, type DeliveryControlStatus, type RateLimit } from '../delivery-control';
import type { FunctionConfig } from '../function/config';
import type { Outcome } from '../delivery';
import { DESTINATION_ENV, readPowertoolsConfig, type DestinationConfig } from './contract';
import { ReportedFailure } from './reported-failure';

/** Thrown for an event put back unrun while paused: its message is hidden `seconds` and reported as a batch item failure. */
export class DeferredRecord extends ReportedFailure {
  constructor(readonly seconds: number) {
    super(`destination paused: event deferred ${seconds} s`, seconds);
    this.name = 'DeferredRecord';
  }
}

export interface DeliveryLimiterOptions {
  /** Events one invocation runs at once: the ceiling of the adaptive limit. */
  recordConcurrency: number;
  /** The function's rateLimit (function.json) and the event source's maximum concurrent invocations it is split over. */
  rateLimit?: RateLimit | null;
  invocations?: number;
  /** Where the EMF line goes (default stdout); null: no metric. */
  metric?: ((status: DeliveryControlStatus) => void) | null;
  tuning?: Pick<DeliveryControlOptions, 'concurrency' | 'rate' | 'breaker'>;
  now?: () => number;
}

/** On Lambda a probe every second would spend receives: probes start at 30 s and back off to 15 min. */
const AWS_BREAKER = { probeMs: 30_000, maxProbeMs: 900_000 };
const MIN_DEFER_SECONDS = 30;
const MAX_DEFER_SECONDS = 900;
const METRIC_EVERY_MS = 60_000;

/** A rateLimit split over `invocations` concurrent instances (each at least 1/s and a burst of 1). */
export function instanceShare(rateLimit: RateLimit | null | undefined, invocations: number): RateLimit | null {
  if (!rateLimit) return null;
  const n = Math.max(1, Math.floor(invocations));
  const perSecond = rateLimit.perSecond / n;
  return { perSecond, burst: Math.max(1, Math.floor((rateLimit.burst ?? Math.ceil(rateLimit.perSecond / 10)) / n)) };
}

/**
 * The limiter options of a destination Lambda: its events at once and the function's rateLimit. The event source's concurrent invocations are bounded by function.json maxConcurrency ÷ records per
 * invocation (lib/function-timing.ts keeps invocations × recordConcurrency ≤ max(2, maxConcurrency)), so splitting
 * the rateLimit by that bound never exceeds it.
 */
export function destinationLimits(config: DestinationConfig, fn: Pick<FunctionConfig, 'maxConcurrency' | 'rateLimit'>): DeliveryLimiterOptions {
  return {
    recordConcurrency: config.recordConcurrency,
    rateLimit: fn.rateLimit ?? null,
    invocations: Math.max(1, Math.floor(Math.max(2, fn.maxConcurrency) / config.recordConcurrency)),
  };
}

export interface LimitDeliveryHooks<R> {
  /**
   * What a call that returned says of the destination: null when it took the event, else the attempt's error and
   * Retry-After. Without it, a call that returns is a success; one that throws is always a failure.
   */
  failureOf?: (result: R) => Pick<Outcome, 'error' | 'retryAfterMs' | 'destinationFailed'> | null;
  /** Called when the last call in flight finishes and none waits (nothing more is at the destination for now). */
  onIdle?: () => void;
}

export interface DeliveryLimiter<T, R> {
  (item: T): Promise<R>;
  readonly control: DeliveryControl;
}

/**
 * Wraps the call to the destination (the destination handler: the function's invoke): a call runs when the control
 * allows; its result (hooks.failureOf) or throw (a retry, reported to SQS) and its duration feed the control.
 */
export function limitDelivery<T, R>(
  options: DeliveryLimiterOptions | (() => DeliveryLimiterOptions), fn: (item: T) => Promise<R>, hooks: LimitDeliveryHooks<R> = {},
): DeliveryLimiter<T, R> {
  // A factory is called on the first event: a function folder that cannot be read fails that event, not the handler.
  let state: ReturnType<typeof createState> | undefined;
  const get = () => (state ??= createState(typeof options === 'function' ? options() : options, hooks.onIdle));

  const limiter = async (item: T): Promise<R> => {
    const s = get();
    const slot = await s.acquire();
    if (typeof slot === 'number') {
      s.report();
      throw new DeferredRecord(slot);
    }
    const started = s.now();
    try {
      const result = await fn(item);
      s.finish(hooks.failureOf?.(result) ?? null, s.now() - started);
      return result;
    } catch (err) {
      // A call that throws (not a returned outcome) tells nothing of the destination's answer: a failure without one.
      s.finish({ error: null }, s.now() - started);
      throw err;
    }
  };
  return Object.defineProperty(limiter, 'control', { get: () => get().control }) as DeliveryLimiter<T, R>;
}

function createState(options: DeliveryLimiterOptions, onIdle?: () => void) {
  const now = options.now ?? Date.now;
  const control = new DeliveryControl({
    maxConcurrency: options.recordConcurrency,
    rateLimit: instanceShare(options.rateLimit, options.invocations ?? 1),
    ...options.tuning,
    breaker: options.tuning?.breaker === false ? false : { ...AWS_BREAKER, ...options.tuning?.breaker },
  }, now());
  const metric = options.metric === undefined ? writeMetricLine : options.metric;
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  let timer: NodeJS.Timeout | null = null;
  let lastMetric = { at: 0, text: '' };

  // One waiter at a time, first come first served: a waiter that gets a slot (or is deferred) wakes the next, one
  // that does not goes back to the head of the line. Waking them all on every finish cost a batch of 100 events
  // about 5,000 allowance checks.
  const wakeNext = () => waiting.shift()?.();
  const report = () => {
    if (!metric) return;
    // After every call: the full status (recent outcome counts) only when a line is due.
    const text = `${control.paused}/${control.limit}`;
    if (text === lastMetric.text && now() - lastMetric.at < METRIC_EVERY_MS) return;
    lastMetric = { at: now(), text };
    metric(control.status(now()));
  };

  /** Run now (a probe or not), or put back for a number of seconds while paused. */
  async function acquire(): Promise<{ probe: boolean } | number> {
    for (let woken = false; ; woken = true) {
      const allowed = control.allowance(inFlight, now());
      if (allowed.count > 0) {
        control.started(1, allowed.probe, now());
        inFlight++;
        wakeNext(); // the limit may allow more than one
        return { probe: allowed.probe };
      }
      // The full status (with its recent outcome counts) only when paused: a full limit is the common case here.
      if (control.paused) {
        const status = control.status(now());
        wakeNext(); // the others are deferred too
        const untilProbe = Math.ceil(((status.nextProbeAt ?? now()) - now()) / 1000);
        const pausedFor = Math.ceil((now() - (status.pausedSince ?? now())) / 1000);
        return Math.min(MAX_DEFER_SECONDS, Math.max(MIN_DEFER_SECONDS, untilProbe, pausedFor));
      }
      await new Promise<void>((resolve) => {
        if (woken) waiting.unshift(resolve);
        else waiting.push(resolve);
        if (allowed.waitMs !== null && !timer) {
          timer = setTimeout(() => { timer = null; wakeNext(); }, allowed.waitMs);
        }
      });
    }
  }

  /** `failure`: null when the event settled; else what its attempt ended with (a 429's Retry-After, the error's name). */
  function finish(failure: Pick<Outcome, 'error' | 'retryAfterMs' | 'destinationFailed'> | null, durationMs: number): void {
    control.finished(failure ? { ...failure, status: 'retry', durationMs } : { status: 'delivered', durationMs, error: null }, inFlight, now());
    inFlight--;
    report();
    const idle = inFlight === 0 && waiting.length === 0;
    wakeNext();
    if (idle) onIdle?.();
  }

  return { options, control, now, acquire, finish, report };
}

function writeMetricLine(status: DeliveryControlStatus): void {
  process.stdout.write(metricLine(status));
}

/**
 * One CloudWatch EMF line: Paused and ConcurrencyLimit of this instance (and why it is paused). `destfn status --aws`
 * reads the newest per instance (runtime/cli/aws/instance-states.ts).
 */
export function metricLine(status: DeliveryControlStatus): string {
  const fn = process.env[DESTINATION_ENV.functionName] ?? 'unknown';
  const { serviceName, metricsNamespace } = readPowertoolsConfig(process.env);
  // The dimensions Powertools gives the delivery metrics (service, function): one dashboard query finds both.
  return `${JSON.stringify({
    _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: metricsNamespace, Dimensions: [['service', 'function']], Metrics: [{ Name: 'Paused', Unit: 'Count' }, { Name: 'ConcurrencyLimit', Unit: 'Count' }] }] },
    service: serviceName,
    function: fn,
    Paused: status.paused ? 1 : 0,
    ConcurrencyLimit: status.limit,
    ...(status.reason ? { pausedReason: status.reason } : {}),
    // Not a metric (the dashboard has the delivery durations): `destfn status --aws` shows it.
    ...(status.latencyMs !== null ? { latencyMs: Math.round(status.latencyMs * 10) / 10 } : {}),
  })}\n`;
}

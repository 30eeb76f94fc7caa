/** The console's HTTP API as the page sees it (the contract of issue 12 §2; times are ISO-8601 UTC strings). */

export type FunctionStatus = 'loaded' | 'load-failed' | 'loading';
export type DeliveryStatus = 'delivered' | 'discarded' | 'retrying' | 'failed' | 'filtered';
export type RunStatus = 'delivered' | 'discarded' | 'retry' | 'failed';

export interface LoadError { name: string; message: string; file?: string; line?: number; column?: number; at?: string }

export interface SettingView { name: string; type: string; required: boolean; secret: boolean; value?: unknown; set: boolean }

export interface ChartMinute { at: string; delivered: number; discarded: number; failed: number; retried: number }

export interface FunctionView {
  name: string;
  status: FunctionStatus;
  error?: LoadError;
  sources: string[] | null;
  filter: string | null;
  paused?: boolean;
  pausedReason?: string;
  /** How a running function's delivery is adapting now (as `destfn status` shows it). */
  delivery?: DeliveryView;
  /** With `load-failed`: true = the previous version keeps running, false = never loaded (not delivering). */
  running?: boolean;
  /** The function's code file, e.g. `functions/teams/index.ts`. */
  file?: string | null;
  settings: SettingView[];
  lastHour: { delivered: number; discarded: number; failed: number; retried: number; filtered: number; successRate: number | null };
  durationMs: { p50: number | null; p95: number | null };
  depth: { queued: number; inFlight: number; dlq: number };
  chart: ChartMinute[];
}

export interface DeliveryView {
  limit: number;
  maxConcurrency: number;
  latencyMs: number | null;
  learntRatePerSecond: number | null;
  measuredRatePerSecond: number | null;
  rateLimit: { perSecond: number; burst: number } | null;
  pausedBy: 'operator' | 'breaker' | null;
  nextProbeAt: string | null;
}

export interface FunctionsBody { functions: FunctionView[]; orphans: Array<{ function: string; count: number }> }

export type SegmentEvent = Record<string, unknown> & { type?: string; messageId?: string };

export interface SamplesBody {
  samples: Record<string, SegmentEvent>;
  recent: Array<{ messageId: string; type: string; receivedAt: string; event: SegmentEvent }>;
}

export interface StubResponse { status: number; headers?: Record<string, string>; body: string }

/** `event`: one event, or a batch (an array of events, or a /v1/batch body). */
export interface RunRequest { event: object; settings?: Record<string, unknown>; network: 'stub' | 'real'; stub?: StubResponse }

export interface StackFrame { file: string; line: number; column: number; fn?: string }

export interface OutboundRequest {
  method: string;
  url: string;
  status: number | null;
  ms: number;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
  responseStatusText?: string;
  responseHeaders?: Record<string, string>;
  /** Answered by the stub (nothing left the machine). */
  stubbed?: boolean;
  error?: string;
}

export interface RunResult {
  ok: boolean;
  status: RunStatus;
  reason?: string | null;
  durationMs: number;
  result?: unknown;
  error?: { name: string; message: string; stack: StackFrame[] };
  logs: string[];
  /** Console output of the function's top level (while loading). */
  loadLogs?: string[];
  /** Set when the function's filter would not match this event (it ran anyway). */
  filterNote?: string | null;
  network?: 'stub' | 'real';
  requests: OutboundRequest[];
  /** A batch: each event's fate in order (`status` is the worst of them). */
  events?: Array<{ messageId: string; status: RunStatus; reason: string | null; result?: unknown; error?: { name: string; message: string } }>;
  /** The batch went to onBatch (else each event through its own handler). */
  onBatch?: boolean;
}

export interface DeliveryRow {
  function: string;
  messageId: string;
  eventType: string;
  eventName: string | null;
  status: DeliveryStatus;
  attempts: number;
  durationMs: number | null;
  updatedAt: string;
  lastError?: { name: string; message: string } | null;
}

export interface DeliveriesBody { deliveries: DeliveryRow[]; next?: string }

export interface AttemptView {
  attempt: number;
  at: string;
  status: string;
  reason?: string | null;
  durationMs: number | null;
  error?: { name: string; message: string } | string | null;
  result?: string | null;
  logs: string[];
}

export interface DeliveryDetail {
  record: DeliveryRow & { firstSeenAt?: string; result?: string | null };
  event: SegmentEvent | null;
  attempts: AttemptView[];
  result?: unknown;
  /** Where the event is now: still queued (retrying), dead in the DLQ, or done. */
  where?: 'queued' | 'dlq' | 'done';
  /** Queued: when it may next be attempted (in the past when due or in flight). */
  nextAttemptAt?: string | null;
}

export interface DeadRow { function: string; messageId: string; eventType: string; failedAt: string; attempts: number; error?: { name: string; message: string } | string | null; orphan: boolean }

export interface RejectedRow { id?: number; at: string; source: string; index: number; error: string; snippet: string }

export interface SinkHit { name: string; at: string; contentType: string | null; bytes: number; body: string }

export interface StreamHello { engineId: string; at: string }
export interface Session { token: string; engineId: string }
export interface StreamReload { function: string; ok: boolean; error?: LoadError }
export interface StreamLog { function: string; messageId: string; lines: string[] }

export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias', 'delete'] as const;
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['delivered', 'discarded', 'retrying', 'failed', 'filtered'];

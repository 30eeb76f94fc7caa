/**
 * The ingest Lambda's work for one request: authenticate and validate (shared ingest code), route with the
 * functions' sources and filters (shared router; filtered events are sent nowhere), queue each event in every
 * subscribed function's queue. 200 only when every accepted event is in every queue, else 503. The invalid events
 * of a batch are left out (the 200 lists them): one log line each, with a redacted snippet, and a metric.
 */
import type { IngestRequest, SourceCredentials } from '../ingest';
import { acceptedBody, type RejectedEvent } from '../ingest/types';
import { answerBrowserRequest, parseIngestRequest } from '../ingest';
import { createRouter } from '../routing/router';
import type { QueueSubscriber } from './ingest-config';
import { encodeEvent, packEvents, type EncodedEvent } from './sqs-message';
import type { SendFailure, SqsSender } from './sqs-sender';

export interface IngestResponse { status: number; body: Record<string, unknown> }

export interface IngestLog {
  debug(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface IngestServiceDeps {
  functions: readonly QueueSubscriber[];
  loadSources: () => Promise<SourceCredentials[]>;
  sender: SqsSender;
  log: IngestLog;
  /** Counts the rejected events of a request (the ingest Lambda: EMF metric RejectedEvents). */
  countRejected(count: number): void;
}

export function createIngestService(deps: IngestServiceDeps): (req: IngestRequest) => Promise<IngestResponse> {
  const route = createRouter([...deps.functions]);
  const queueOf = new Map(deps.functions.map((f) => [f.name, f.queueUrl]));

  return async (req) => {
    let sources: SourceCredentials[];
    try {
      sources = await deps.loadSources();
    } catch (err) {
      deps.log.error('ingest: source credentials unavailable', { error: describe(err) });
      return unavailable('source credentials are unavailable; retry the request');
    }

    // analytics.js's settings and /v1/m; API Gateway is https-only.
    const browser = answerBrowserRequest(req, sources, 'https');
    if (browser) return browser;

    const parsed = parseIngestRequest(req, sources);
    if (!parsed.ok) {
      if (parsed.rejected) reportRejected(parsed.rejected.source, [parsed.rejected.event]);
      return { status: parsed.status, body: { ...parsed.body } };
    }
    if (parsed.rejected.length > 0) reportRejected(parsed.source, parsed.rejected);

    const perFunction = new Map<string, EncodedEvent[]>();
    let filtered = 0;
    for (const event of parsed.events) {
      const routing = route(event, parsed.source);
      filtered += routing.filtered.length;
      if (routing.deliver.length === 0) continue;
      const encoded = encodeEvent(event);
      for (const name of routing.deliver) {
        const list = perFunction.get(name) ?? [];
        list.push(encoded);
        perFunction.set(name, list);
      }
    }

    // The events of this request for one function travel together, as few SQS messages as fit.
    const sends = [...perFunction].map(async ([name, events]) => ({ name, failures: await deps.sender.send(queueOf.get(name)!, packEvents(events)) }));
    const results = await Promise.all(sends);
    const failed = results.filter((r) => r.failures.length > 0);
    const queued = Object.fromEntries(results.map((r) => [r.name, perFunction.get(r.name)!.length - eventsIn(r.failures)]));

    if (failed.length > 0) {
      const count = failed.reduce((n, r) => n + eventsIn(r.failures), 0);
      deps.log.error('ingest: events not queued', {
        source: parsed.source, events: parsed.events.length, queued, failed: failed.map((r) => summarize(r.name, r.failures)),
      });
      return unavailable(`${count} event deliveries could not be queued; retry the request (duplicates are dropped)`);
    }
    // DEBUG, off by default (POWERTOOLS_LOG_LEVEL=DEBUG turns it on): ~385 bytes per request would be ~$0.012 per
    // million events in CloudWatch Logs, and the API access log already has a line per request (lib/COST.md).
    deps.log.debug('ingest: accepted', { source: parsed.source, events: parsed.events.length, queued, filtered });
    return { status: 200, body: { ...acceptedBody(parsed.rejected) } };
  };

  function reportRejected(source: string, rejected: RejectedEvent[]): void {
    for (const r of rejected) deps.log.warn('ingest: event rejected', { source, index: r.index, reason: r.error, snippet: r.snippet });
    deps.countRejected(rejected.length);
  }
}

function unavailable(error: string): IngestResponse {
  return { status: 503, body: { success: false, error } };
}

function eventsIn(failures: readonly SendFailure[]): number {
  return failures.reduce((n, f) => n + f.messageIds.length, 0);
}

function summarize(fn: string, failures: SendFailure[]): Record<string, unknown> {
  return { function: fn, count: eventsIn(failures), error: failures[0].error, messageIds: failures.flatMap((f) => f.messageIds).slice(0, 10) };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

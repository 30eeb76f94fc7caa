/**
 * parseIngestRequest: one HTTP request to the ingest API → validated events or a refusal.
 * Transport-agnostic (the local server and the AWS ingest Lambda adapt to IngestRequest) and total:
 * it never throws, whatever the bytes.
 */
import type { SegmentEvent } from '../events/types';
import { jsonSizeBound, validateEvent } from '../events/validate';
import { basicAuthUser, sourceForWriteKey, validSignature } from './auth';
import { checkContentHeaders, checkRequestSize, decodeBody, parseJsonBody } from './body';
import { openEnvelope, type Envelope } from './envelope';
import { matchRoute } from './routes';
import { refuse, type IngestRefusal, type IngestRequest, type IngestResult, type SourceCredentials } from './types';

const WRITE_KEY_HELP = 'use HTTP Basic auth with the write key as user name and an empty password, or "writeKey" in the body';

export function parseIngestRequest(req: IngestRequest, sources: SourceCredentials[], now: Date = new Date()): IngestResult {
  try {
    return parse(req, sources, now);
  } catch {
    return refuse(400, 'the request could not be processed');
  }
}

function parse(req: IngestRequest, sources: SourceCredentials[], now: Date): IngestResult {
  const route = matchRoute(String(req.method ?? ''), String(req.path ?? ''));
  if ('ok' in route) return route;
  const headers = req.headers ?? {};
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

  const early = checkContentHeaders(headers) ?? checkRequestSize(body);
  if (early) return early;

  // Authenticate what can be authenticated before parsing the body.
  let source: SourceCredentials | null = null;
  if (route.kind === 'webhook') {
    const auth = authenticateWebhook(route.source, headers, body, sources);
    if ('ok' in auth) return auth;
    source = auth;
  } else if (headers.authorization !== undefined) {
    const user = basicAuthUser(headers.authorization);
    source = user === null ? null : sourceForWriteKey(user, sources);
    if (!source) return refuse(401, `invalid write key: ${WRITE_KEY_HELP}`);
  }

  const decoded = decodeBody(headers, body);
  if (!decoded.ok) return decoded;
  const json = parseJsonBody(decoded.body);
  if (!json.ok) return json;
  const envelope = openEnvelope(route, json.value);
  if ('ok' in envelope) return envelope;

  if (!source) {
    if (typeof envelope.writeKey !== 'string' || envelope.writeKey === '') return refuse(401, `missing write key: ${WRITE_KEY_HELP}`);
    source = sourceForWriteKey(envelope.writeKey, sources);
    if (!source) return refuse(401, `invalid write key: ${WRITE_KEY_HELP}`);
  }

  const events = validateAll(envelope, now, jsonSizeBound(decoded.body.length));
  return Array.isArray(events) ? { ok: true, source: source.name, events } : events;
}

function authenticateWebhook(
  name: string, headers: IngestRequest['headers'], body: Buffer, sources: SourceCredentials[],
): SourceCredentials | IngestRefusal {
  const source = sources.find((s) => s.name === name);
  if (!source) return refuse(404, `unknown source ${JSON.stringify(name.slice(0, 60))}`);
  if (source.sharedSecret) {
    return validSignature(source.sharedSecret, body, headers['x-signature'])
      ? source
      : refuse(401, 'missing or invalid X-Signature: expected hex HMAC-SHA1 of the raw body with the shared secret');
  }
  const user = basicAuthUser(headers.authorization);
  const matched = user === null ? null : sourceForWriteKey(user, [source]);
  return matched ?? refuse(401, `missing or invalid write key for source "${source.name}": ${WRITE_KEY_HELP}`);
}

function validateAll(envelope: Envelope, now: Date, maxBytes: number): SegmentEvent[] | IngestRefusal {
  const events: SegmentEvent[] = [];
  for (let index = 0; index < envelope.events.length; index++) {
    const label = envelope.indexed ? `batch[${index}]` : undefined;
    const result = validateEvent(envelope.events[index], { label, now, maxBytes });
    if (!result.ok) return refuse(result.tooLarge ? 413 : 400, result.error, envelope.indexed ? index : undefined);
    events.push(result.event);
  }
  return events;
}


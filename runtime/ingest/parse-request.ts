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
import { createRedactor, type Redactor } from '../settings/redact';
import { refuse, type IngestRefusal, type IngestRequest, type IngestResult, type RejectedEvent, type SourceCredentials } from './types';

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

  const valid = validateAll(envelope, now, jsonSizeBound(decoded.body.length), sources, source.name);
  return 'ok' in valid ? valid : { ok: true, source: source.name, ...valid };
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

/**
 * A single event that is invalid refuses the request (and is reported as rejected). In a batch each invalid event
 * is rejected alone and the valid ones are accepted.
 */
function validateAll(
  envelope: Envelope, now: Date, maxBytes: number, sources: SourceCredentials[], source: string,
): { events: SegmentEvent[]; rejected: RejectedEvent[] } | IngestRefusal {
  const events: SegmentEvent[] = [];
  const rejected: RejectedEvent[] = [];
  let redact: Redactor | undefined;
  for (let index = 0; index < envelope.events.length; index++) {
    const label = envelope.indexed ? `batch[${index}]` : undefined;
    const raw = envelope.events[index];
    const result = validateEvent(raw, { label, now, maxBytes });
    if (result.ok) {
      events.push(result.event);
      continue;
    }
    redact ??= createRedactor(sources.flatMap((s) => [s.writeKey, s.sharedSecret ?? '']));
    const event = { index, error: result.error, snippet: snippetOf(raw, redact) };
    if (!envelope.indexed) return { ...refuse(result.tooLarge ? 413 : 400, result.error), rejected: { source, event } };
    rejected.push(event);
  }
  return { events, rejected };
}

const SNIPPET_CHARS = 300;

function snippetOf(raw: unknown, redact: Redactor): string {
  const json = JSON.stringify(raw) ?? String(raw);
  // Redacted before the cut too: a cut could leave a prefix too short to be recognised.
  const text = redact(json.length > SNIPPET_CHARS * 2 ? json.slice(0, SNIPPET_CHARS * 2) : json);
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
}

/**
 * From raw request bytes to a JSON value: content type, encoding and size checks, strict UTF-8, JSON.parse.
 * Accepted content types: application/json (Segment libraries, webhooks), text/plain (browser beacons,
 * which cannot send application/json without a CORS preflight), and a missing Content-Type (treated as JSON).
 */
import { MAX_REQUEST_BYTES } from '../events/limits';
import { jsonErrorReason } from '../json-error';
import { refuse, type IngestRefusal } from './types';

const ACCEPTED_TYPES = new Set(['application/json', 'text/plain']);
const ACCEPTED_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

export type JsonBody = { ok: true; value: unknown } | IngestRefusal;

export function checkContentHeaders(headers: Record<string, string | undefined>): IngestRefusal | null {
  const contentType = headers['content-type'];
  if (contentType !== undefined && contentType.trim() !== '') {
    const [mediaType, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
    if (!ACCEPTED_TYPES.has(mediaType)) {
      return refuse(415, `Content-Type ${JSON.stringify(mediaType.slice(0, 60))} is not supported; send application/json`);
    }
    const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
    if (charset !== undefined && !ACCEPTED_CHARSETS.has(charset)) {
      return refuse(415, `charset ${JSON.stringify(charset.slice(0, 30))} is not supported; send UTF-8`);
    }
  }
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    return refuse(415, `Content-Encoding ${JSON.stringify(encoding.slice(0, 30))} is not supported; send the body uncompressed`);
  }
  return null;
}

export function checkRequestSize(body: Buffer): IngestRefusal | null {
  if (body.length > MAX_REQUEST_BYTES) {
    return refuse(413, `request body is ${body.length} bytes; the limit is ${MAX_REQUEST_BYTES} bytes (500 KB)`);
  }
  return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(body: Buffer): JsonBody {
  let text: string;
  try { text = utf8.decode(body); } catch { return refuse(400, 'request body is not valid UTF-8'); }
  if (text.trim() === '') return refuse(400, 'request body is empty; send a JSON event');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return refuse(400, `request body is not valid JSON: ${jsonErrorReason(err)}`);
  }
}

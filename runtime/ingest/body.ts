/**
 * From raw request bytes to a JSON value: content type, encoding and size checks, gzip, strict UTF-8, JSON.parse.
 * Accepted content types: application/json (Segment libraries, webhooks), text/plain (browser beacons,
 * which cannot send application/json without a CORS preflight), and a missing Content-Type (treated as JSON).
 */
import { gunzipSync } from 'node:zlib';
import { MAX_REQUEST_BYTES } from '../events/limits';
import { jsonErrorReason } from '../settings/json-file';
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
  const encoding = contentEncoding(headers);
  if (encoding !== 'identity' && encoding !== 'gzip') {
    return refuse(415, `Content-Encoding ${JSON.stringify(encoding.slice(0, 30))} is not supported; send the body uncompressed or gzip`);
  }
  return null;
}

function contentEncoding(headers: Record<string, string | undefined>): string {
  return headers['content-encoding']?.trim().toLowerCase() || 'identity';
}

export type DecodedBody = { ok: true; body: Buffer } | IngestRefusal;

/**
 * The body as sent, or gunzipped for `Content-Encoding: gzip` (as Segment's HTTP API accepts). The limit
 * applies to the decompressed bytes, and decompression stops there (a small bomb cannot fill memory).
 */
export function decodeBody(headers: Record<string, string | undefined>, body: Buffer): DecodedBody {
  if (contentEncoding(headers) !== 'gzip') return { ok: true, body };
  try {
    return { ok: true, body: gunzipSync(body, { maxOutputLength: MAX_REQUEST_BYTES }) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return refuse(413, `the decompressed request body is over ${MAX_REQUEST_BYTES} bytes (500 KB)`);
    }
    return refuse(400, `request body is not valid gzip (Content-Encoding: gzip): ${(err as Error).message}`);
  }
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

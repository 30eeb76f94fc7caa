/**
 * AWS error answers in the wire format of each protocol, so the real SDK throws the error it throws on AWS:
 * - JSON (awsJson1_0/1_1): status + `{"__type": …, "message"|"Message": …}`; awsQuery-compatible JSON services
 *   (SQS) add `x-amzn-query-error: <Code>;Sender`, which the SDK prefers as the error name.
 * - Query (CloudFormation): status + `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { escapeXml, sendJson, sendXml } from './wire';

export type WireStyle =
  | { protocol: 'json'; contentType: string }
  | { protocol: 'query'; xmlns: string };

export interface AwsError {
  status: number;
  /** JSON: the `__type`; query: the `Code`. */
  code: string;
  message: string;
  /** awsQuery-compatible JSON services: the query-protocol code sent in x-amzn-query-error. */
  queryCode?: string;
  /** The body's message key (services differ; the SDK reads both). Default "message". */
  messageKey?: 'message' | 'Message';
}

/** An AWS error a fake service throws while answering; the plane sends it in the service's wire format. */
export class AwsFault extends Error {
  constructor(readonly error: AwsError) {
    super(error.message);
  }
}

export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';

export function sendAwsError(res: ServerResponse, style: WireStyle, error: AwsError): void {
  if (style.protocol === 'query') {
    sendXml(res, error.status, `<ErrorResponse xmlns="${style.xmlns}"><Error><Type>Sender</Type><Code>${escapeXml(error.code)}</Code>`
      + `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
    return;
  }
  const headers: Record<string, string> = error.queryCode ? { 'x-amzn-query-error': `${error.queryCode};Sender` } : {};
  sendJson(res, error.status, { __type: error.code, [error.messageKey ?? 'message']: error.message }, style.contentType, headers);
}

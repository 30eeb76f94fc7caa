/**
 * Who signed a request and for which service: the credential scope of the SigV4 Authorization header
 * (`AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=…, Signature=…`).
 * The signature itself is not verified (see index.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface SigV4Scope {
  accessKeyId: string;
  region: string;
  /** The signing name: sqs, dynamodb, secretsmanager, logs, cloudformation… */
  service: string;
  sessionToken: string | undefined;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

export function sigV4Scope(headers: IncomingHttpHeaders): SigV4Scope | null {
  const auth = headers.authorization;
  if (typeof auth !== 'string' || !auth.startsWith('AWS4-HMAC-SHA256 ')) return null;
  const match = CREDENTIAL.exec(auth);
  if (!match) return null;
  const token = headers['x-amz-security-token'];
  return { accessKeyId: match[1], region: match[3], service: match[4], sessionToken: typeof token === 'string' ? token : undefined };
}

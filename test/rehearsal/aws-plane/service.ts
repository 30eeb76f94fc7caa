/** What each AWS service behind the plane provides: its wire style, its IAM requests per call, its answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IamRequest } from './authorizer';
import type { AwsError, WireStyle } from './errors';

export interface ServiceCall {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  /** X-Amz-Target's operation (JSON protocols) or the Action parameter (query protocol). */
  operation: string;
  /** The parsed JSON body, or the form parameters (query protocol). */
  input: Record<string, unknown>;
  /** The region of the credential scope. */
  region: string;
}

export interface PlaneService {
  style: WireStyle;
  accessDenied(message: string): AwsError;
  invalidToken: AwsError;
  /** Everything IAM must allow for this call; the call is denied if any one is denied. */
  iamRequests(call: ServiceCall): Promise<IamRequest[]>;
  /** Answers a call IAM allowed (or an unchecked admin call). May throw AwsFault. */
  handle(call: ServiceCall): Promise<void>;
}

export function stringField(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' ? value : undefined;
}

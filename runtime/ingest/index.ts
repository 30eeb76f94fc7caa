/** The transport-agnostic ingest API (used by the local server and the AWS ingest Lambda). */
export { parseIngestRequest } from './parse-request';
export type { IngestRequest, IngestResult, IngestErrorBody, SourceCredentials } from './types';
export { answerBrowserRequest, type BrowserAnswer } from './browser';

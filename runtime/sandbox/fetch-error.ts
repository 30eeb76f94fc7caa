/** node-fetch 2's FetchError: what Segment functions see when a request cannot be made. */
export class FetchError extends Error {
  readonly type: string;
  readonly code: string | undefined;
  readonly errno: string | undefined;

  constructor(message: string, type: string, code?: string) {
    super(message);
    this.name = 'FetchError';
    this.type = type;
    this.code = code;
    this.errno = code;
  }
}

/** `name` of an Error-like value (DOMException included), else undefined. */
export function errorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { name, message } = err as { name?: unknown; message?: unknown };
  return typeof name === 'string' && typeof message === 'string' ? name : undefined;
}

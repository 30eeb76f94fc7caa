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

interface Cause { message?: unknown; code?: unknown; errors?: unknown }

/**
 * Node's fetch rejects with `TypeError: fetch failed` and the socket/DNS error as `cause`.
 * Errors are recognised by name, not instanceof: Node's own classes may come from another realm
 * than this module's (e.g. under jest).
 */
export function networkFailure(err: unknown, url: string): FetchError | undefined {
  if (errorName(err) !== 'TypeError' || (err as Error).message !== 'fetch failed') return undefined;
  const cause = (err as { cause?: Cause }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return new FetchError(`request to ${url} failed, reason: ${reasonOf(cause) || code || 'fetch failed'}`, 'system', code);
}

function reasonOf(cause: Cause | undefined): string {
  if (!cause) return '';
  if (typeof cause.message === 'string' && cause.message) return cause.message;
  // Happy-eyeballs connection attempts fail with an AggregateError whose message is empty.
  if (Array.isArray(cause.errors)) {
    return cause.errors.map((e: Cause) => (typeof e?.message === 'string' ? e.message : String(e))).join('; ');
  }
  return '';
}

/** `name` of an Error-like value (DOMException included), else undefined. */
export function errorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { name, message } = err as { name?: unknown; message?: unknown };
  return typeof name === 'string' && typeof message === 'string' ? name : undefined;
}

/**
 * DynamoDB's batch calls may succeed while leaving part of the request undone (UnprocessedKeys /
 * UnprocessedItems: throttling, the 16 MB request or 1 MB response limit). That part is sent again after a
 * short, jittered exponential backoff; whatever is still undone after the last attempt is returned.
 */
export const UNPROCESSED_ATTEMPTS = 5;
export const UNPROCESSED_BASE_DELAY_MS = 25;

export interface UnprocessedRetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  random?: () => number;
}

/**
 * @param send one batch call; resolves with the items it left unprocessed (a subset of its argument).
 * @returns the items still unprocessed after the last attempt (empty when everything went through).
 */
export async function retryUnprocessed<T>(items: T[], send: (items: T[]) => Promise<T[]>, options: UnprocessedRetryOptions = {}): Promise<T[]> {
  const attempts = options.attempts ?? UNPROCESSED_ATTEMPTS;
  const base = options.baseDelayMs ?? UNPROCESSED_BASE_DELAY_MS;
  const random = options.random ?? Math.random;
  let left = items;
  for (let attempt = 1; attempt <= attempts && left.length > 0; attempt++) {
    if (attempt > 1) await sleep(base * 2 ** (attempt - 2) * (0.5 + random() / 2));
    left = await send(left);
  }
  return left;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls made in the same event-loop turn go out as one batch: the records of an SQS batch each call
 * `get`/`put` on their own and share one DynamoDB round trip (runtime/aws/delivery-store.ts); the ingest
 * requests of one turn share one SQLite commit (runtime/local/group-commit.ts).
 * Each caller still gets its own result or error. A batch that fails for a reason one input may have caused
 * (`isolate`) is re-run input by input, so one bad input never fails the others.
 */

/** The result of one input of a batched call: its value or its error. */
export type CallResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface CoalescerOptions<I, R> {
  /** Inputs per call of `run` (default: no limit); a larger turn is split into several calls, sent in parallel. */
  maxBatch?: number;
  /**
   * How long the first call of a batch waits for others (default 0: the same event-loop turn). A full batch
   * (maxBatch) goes at once, and so does whatever waits when `flush()` is called (the caller knows no more
   * is coming soon).
   */
  lingerMs?: number;
  /** One result per input, aligned by index. Throwing fails every input of the call. */
  run(inputs: I[]): Promise<CallResult<R>[]>;
  /** True when `run`'s error may come from one of the inputs (a validation error), not from the call as a whole. */
  isolate?(error: unknown): boolean;
}

interface Call<I, R> { input: I; resolve(value: R): void; reject(error: unknown): void }

/** The batched call: each input its own promise; `flush()` sends what waits now. */
export type Coalesced<I, R> = ((input: I) => Promise<R>) & { flush(): void };

export function coalesce<I, R>(options: CoalescerOptions<I, R>): Coalesced<I, R> {
  let pending: Call<I, R>[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const linger = options.lingerMs ?? 0;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const calls = pending;
    pending = [];
    const size = options.maxBatch ?? calls.length;
    for (let i = 0; i < calls.length; i += size) void runCalls(calls.slice(i, i + size));
  }

  async function runCalls(calls: Call<I, R>[]): Promise<void> {
    let results: CallResult<R>[];
    try {
      results = await options.run(calls.map((c) => c.input));
    } catch (error) {
      if (calls.length > 1 && options.isolate?.(error)) {
        await Promise.all(calls.map((c) => runCalls([c])));
      } else {
        for (const c of calls) c.reject(error);
      }
      return;
    }
    calls.forEach((c, i) => {
      const result = results[i];
      if (!result) c.reject(new Error('batch call returned no result for this input'));
      else if (result.ok) c.resolve(result.value);
      else c.reject(result.error);
    });
  }

  const call = (input: I) => new Promise<R>((resolve, reject) => {
    // setImmediate, not a microtask: the other records' calls of this batch are still a few promise hops away.
    if (pending.length === 0 && linger === 0) setImmediate(flush);
    else if (pending.length === 0) timer = setTimeout(flush, linger);
    pending.push({ input, resolve, reject });
    if (linger > 0 && options.maxBatch !== undefined && pending.length >= options.maxBatch) flush();
  });
  return Object.assign(call, { flush });
}

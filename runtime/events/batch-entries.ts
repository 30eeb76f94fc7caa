/**
 * The entries of a test batch: a JSON array of events (what Segment's editor takes to test `onBatch`) or a
 * `/v1/batch` body (`{"batch": [...]}`); null when `raw` is one event. `destfn run` and the console's Run use it.
 */
export function batchEntries(raw: unknown): unknown[] | null {
  if (Array.isArray(raw)) return raw;
  const isBatchBody = typeof raw === 'object' && raw !== null && !('type' in raw) && Array.isArray((raw as { batch?: unknown }).batch);
  return isBatchBody ? (raw as { batch: unknown[] }).batch : null;
}

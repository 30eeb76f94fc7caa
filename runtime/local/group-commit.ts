/**
 * Group commit of ingest requests. Every commit costs WAL writes (one per dirty page, tens of µs on a
 * small machine), and single-event requests (POST /v1/track) paid one each: the ingest bench showed
 * the engine thread spending most of its time committing. Requests whose bodies complete in the same
 * event-loop turn are now committed in ONE transaction, each in its own savepoint (a request that
 * fails rolls back alone), and each is answered only after that commit, so "200 only after commit"
 * still holds. A lone request waits only for the end of the current loop turn (setImmediate).
 */
import type { Db } from './db';

interface Pending { work: () => unknown; resolve(value: unknown): void; reject(err: unknown): void }
type Result = { ok: true; value: unknown } | { ok: false; error: unknown };

export type GroupCommit = <T>(work: () => T) => Promise<T>;

export function createGroupCommit(db: Db): GroupCommit {
  let pending: Pending[] = [];
  // `work` may itself be a db.transaction function: nested, it runs as a savepoint of this one.
  const commitAll = db.transaction((batch: Pending[]): Result[] => batch.map((p): Result => {
    try {
      return { ok: true, value: db.transaction(p.work)() };
    } catch (error) {
      return { ok: false, error };
    }
  }));

  function flush(): void {
    const batch = pending;
    pending = [];
    let results: Result[];
    try {
      results = commitAll(batch);
    } catch (err) {
      for (const p of batch) p.reject(err); // the commit itself failed: nothing of the batch is stored
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i];
      if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  }

  return <T>(work: () => T) => new Promise<T>((resolve, reject) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
  });
}

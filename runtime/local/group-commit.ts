/**
 * Group commit of ingest requests. Every commit costs WAL writes (one per dirty page, tens of µs on a
 * small machine), and single-event requests (POST /v1/track) paid one each: the ingest bench showed
 * the engine thread spending most of its time committing. Requests whose bodies complete in the same
 * event-loop turn are now committed in ONE transaction, each in its own savepoint (a request that
 * fails rolls back alone), and each is answered only after that commit, so "200 only after commit"
 * still holds. A lone request waits only for the end of the current loop turn (setImmediate).
 */
import { coalesce, type CallResult } from '../batching/coalesce';
import type { Db } from './db';

export type GroupCommit = <T>(work: () => T) => Promise<T>;

export function createGroupCommit(db: Db): GroupCommit {
  // `work` may itself be a db.transaction function: nested, it runs as a savepoint of this one.
  // If the commit itself fails, nothing of the batch is stored and every piece is rejected with that error.
  const commitAll = db.transaction((works: (() => unknown)[]): CallResult<unknown>[] => works.map((work): CallResult<unknown> => {
    try {
      return { ok: true, value: db.transaction(work)() };
    } catch (error) {
      return { ok: false, error };
    }
  }));
  const commit = coalesce<() => unknown, unknown>({ run: async (works) => commitAll(works) });
  return <T>(work: () => T) => commit(work) as Promise<T>;
}

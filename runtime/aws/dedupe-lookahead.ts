/**
 * The dedupe lookups of a whole SQS batch, started when the batch arrives: its ~100 events share one or two
 * BatchGetItem calls instead of one call per round of events the delivery limit lets through (each call costs the
 * Lambda ~1 ms of CPU in the SDK). An event takes its looked-up entry when its turn comes, once: a second copy of
 * the same messageId (run after the first is recorded) reads again, and so does an event whose lookup is older
 * than `freshMs` (a slow batch), so that a copy another instance recorded meanwhile is seen about as well as
 * before. A lookup that failed is read again too.
 */
import type { EventEntry } from './delivery-item';

export type EntryReader = (fn: string, messageId: string) => Promise<EventEntry | null>;

export interface DedupeLookahead {
  /** Starts the lookups of these events (calls made in one turn share a BatchGetItem: delivery-store.ts). */
  prefetch(fn: string, messageIds: readonly string[]): void;
  /** The event's entry: the looked-up one when fresh and not yet taken, else read now. */
  getEntry: EntryReader;
  /** Forgets lookups no event took (the end of a batch). */
  clear(): void;
}

/** How old a lookup may be when its event runs: about the read-after-write lag of an eventually consistent read. */
export const LOOKAHEAD_FRESH_MS = 2000;

export function createDedupeLookahead(read: EntryReader, options: { freshMs?: number; now?: () => number } = {}): DedupeLookahead {
  const freshMs = options.freshMs ?? LOOKAHEAD_FRESH_MS;
  const now = options.now ?? Date.now;
  const ahead = new Map<string, { entry: Promise<EventEntry | null>; at: number }>();
  const keyOf = (fn: string, messageId: string) => `${fn}\n${messageId}`;
  return {
    prefetch(fn, messageIds) {
      for (const messageId of messageIds) {
        const key = keyOf(fn, messageId);
        if (ahead.has(key)) continue;
        const entry = read(fn, messageId);
        entry.catch(() => undefined); // taken (and read again) by getEntry, or dropped by clear()
        ahead.set(key, { entry, at: now() });
      }
    },
    getEntry(fn, messageId) {
      const key = keyOf(fn, messageId);
      const looked = ahead.get(key);
      ahead.delete(key);
      if (!looked || now() - looked.at > freshMs) return read(fn, messageId);
      return looked.entry.catch(() => read(fn, messageId));
    },
    clear() {
      ahead.clear();
    },
  };
}

/**
 * Queue rows this engine inserted and has not leased yet, kept in memory so that their first lease
 * does not read back from SQLite what ingest wrote a moment ago (the row read was the largest cost of a
 * lease). The table stays the truth: a lease still finds its ids there, and a row missing here (inserted
 * by another process, left out because the cache was full, leased before) is read from the table.
 *
 * An entry must never outlive its row, or a later row reusing its id (SQLite reuses the highest rowid
 * once deleted) would get its event. So every delete of a row in this process drops its entry (Queue),
 * a lease takes the entry out, and an ingest transaction that did not commit clears them all
 * (`clear`): its rows may have been rolled back.
 */
export interface FreshRow {
  messageId: string;
  event: string;
  eventType: string;
  eventName: string | null;
  enqueuedAt: number;
}

/** Characters of event JSON held at most (~16 MB of strings): a backlog beyond it is read from the table. */
const MAX_CHARS = 8 * 1024 * 1024;

export class FreshRows {
  private readonly rows = new Map<number, FreshRow>();
  private chars = 0;

  constructor(private readonly maxChars = MAX_CHARS) {}

  get size(): number { return this.rows.size; }

  add(id: number, row: FreshRow): void {
    this.drop(id);
    if (this.chars + row.event.length > this.maxChars) return;
    this.rows.set(id, row);
    this.chars += row.event.length;
  }

  /** The row, once: after its first lease its attempts and visibility change, so it is read from the table. */
  take(id: number): FreshRow | undefined {
    const row = this.rows.get(id);
    if (row) {
      this.rows.delete(id);
      this.chars -= row.event.length;
    }
    return row;
  }

  drop(id: number): void {
    this.take(id);
  }

  clear(): void {
    this.rows.clear();
    this.chars = 0;
  }
}

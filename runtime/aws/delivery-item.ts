/**
 * How delivery records are laid out in the delivery table (one table, string key `pk`, the indexes of
 * contract.ts), chosen for cost: DynamoDB bills a write per item (1 WRU per KB) and again per item the write
 * adds, changes or removes in an index (1 WRU per KB of what the index projects).
 *
 * - Event item, pk "<function>#<messageId>": the latest record of one message, what the dedupe check reads.
 *   The record is one JSON attribute (any field a DeliveryRecord gains round-trips; ~300 bytes, so 1 WRU).
 *   Only a retrying or failed record carries the index keys (partition `<function>`): the index is sparse, a
 *   delivered event costs no index write. Delivered and discarded items expire after the dedupe window.
 *   An event that came in a packed SQS message (sqs-message.ts) carries that message's pack id: when the
 *   message comes back for another of its events, this one is known as settled whatever its age.
 * - History page, pk "<function>#~page#<id>": the records one invocation wrote, gzipped JSON (~4 KB for 100
 *   records), indexed in PAGES_INDEX (keys only: 1 WRU) under `<function>` with the newest updatedAt of its
 *   records. `deliveries --aws` reads these.
 * Still read until they expire: pages written before PAGES_INDEX (indexed whole in BY_FUNCTION_INDEX under
 * partition `<function>#history`) and items written before this layout (the record's fields as attributes,
 * indexed under `<function>`).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DeliveryRecord, DeliveryStatus, OutcomeError } from '../delivery';
import { BY_FUNCTION_INDEX, PAGES_INDEX, recordKey, recordKeyPrefix } from './contract';

export type Item = Record<string, unknown>;

/** The record as JSON, without what the key already says. */
const RECORD_ATTR = 'r';
/** A history page's records: gzipped JSON array (binary attribute). */
const PAGE_ATTR = 'h';
/** The pack id of the SQS message the record was settled from. */
const PACK_ATTR = 'p';

/** Statuses whose event item is indexed (and kept for the history TTL): what `--status failed|retrying` lists. */
const INDEXED_STATUSES: ReadonlySet<DeliveryStatus> = new Set<DeliveryStatus>(['retrying', 'failed']);

export function isIndexedStatus(status: DeliveryStatus): boolean {
  return INDEXED_STATUSES.has(status);
}

/** The BY_FUNCTION_INDEX partition of a function's history pages written before PAGES_INDEX. */
export function legacyHistoryPartition(fn: string): string {
  return `${fn}#history`;
}

/** The PAGES_INDEX partition of a function's history pages. */
export function pagesPartition(fn: string): string {
  return fn;
}

/** The index partition holding a function's retrying and failed event items. */
export function failurePartition(fn: string): string {
  return fn;
}

/** An event item as the destination Lambda reads it back: the record, its message's pack id, its expiry (epoch s). */
export interface EventEntry { record: DeliveryRecord; pack: string | null; ttl: number | null }

export function eventItem(record: DeliveryRecord, ttl: number, pack: string | null = null): Item {
  const { function: fn, messageId, ...rest } = record;
  return {
    pk: recordKey(fn, messageId),
    [RECORD_ATTR]: JSON.stringify(rest),
    ttl,
    ...(pack !== null ? { [PACK_ATTR]: pack } : {}),
    ...(isIndexedStatus(record.status) ? { [BY_FUNCTION_INDEX.partition]: failurePartition(fn), [BY_FUNCTION_INDEX.sort]: record.updatedAt } : {}),
  };
}

export function pageItem(fn: string, pageId: string, records: readonly DeliveryRecord[], ttl: number): Item {
  const newest = records.reduce((max, r) => (r.updatedAt > max ? r.updatedAt : max), '');
  const compact = records.map(({ function: _fn, ...rest }) => rest);
  return {
    pk: `${recordKeyPrefix(fn)}~page#${pageId}`,
    [PAGE_ATTR]: gzipSync(JSON.stringify(compact), { level: 9 }),
    ttl,
    [PAGES_INDEX.partition]: pagesPartition(fn),
    [PAGES_INDEX.sort]: newest,
  };
}

/** The time an item is indexed at: an event item's updatedAt, a page's newest updatedAt (either layout). */
export function indexedAt(item: Item): string {
  return String(item[PAGES_INDEX.sort] ?? item[BY_FUNCTION_INDEX.sort]);
}

export function isPageItem(item: Item): boolean {
  return PAGE_ATTR in item;
}

/** The records an item holds: a page's, or the one of an event item. `fn` names the function of a page. */
export function recordsOfItem(item: Item, fn: string): DeliveryRecord[] {
  const page = item[PAGE_ATTR];
  if (page instanceof Uint8Array) {
    const compact = JSON.parse(gunzipSync(page).toString('utf8')) as Array<Omit<DeliveryRecord, 'function'>>;
    return compact.map((r) => ({ function: fn, ...r }));
  }
  return [recordFromItem(item)];
}

export function entryFromItem(item: Item): EventEntry {
  const pack = item[PACK_ATTR];
  return { record: recordFromItem(item), pack: typeof pack === 'string' ? pack : null, ttl: typeof item.ttl === 'number' ? item.ttl : null };
}

/** An event item back to the record it was written from. */
export function recordFromItem(item: Item): DeliveryRecord {
  const json = item[RECORD_ATTR];
  if (typeof json === 'string') {
    const pk = String(item.pk);
    const cut = pk.indexOf('#');
    return { function: pk.slice(0, cut), messageId: pk.slice(cut + 1), ...(JSON.parse(json) as Omit<DeliveryRecord, 'function' | 'messageId'>) };
  }
  return legacyRecord(item);
}

/** An item written before this layout: the record's fields as attributes. */
function legacyRecord(item: Item): DeliveryRecord {
  return {
    function: String(item.function),
    messageId: String(item.messageId),
    status: item.status as DeliveryStatus,
    attempts: Number(item.attempts ?? 0),
    lastError: (item.lastError as OutcomeError | null | undefined) ?? null,
    durationMs: typeof item.durationMs === 'number' ? item.durationMs : null,
    eventType: String(item.eventType ?? ''),
    eventName: typeof item.eventName === 'string' ? item.eventName : null,
    result: typeof item.result === 'string' ? item.result : null,
    firstSeenAt: String(item.firstSeenAt),
    updatedAt: String(item.updatedAt),
  };
}

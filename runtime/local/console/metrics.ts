/**
 * A function's last hour for the console: settled attempts per minute (table minute_stats, 60 rows), filtered
 * records (deliveries, by its (function, updated_at) index) and duration percentiles of the hour's most recent
 * attempts (attempts: rowids grow with time, so the hour starts at a rowid found by bisection and no time index
 * costs the settle path anything). The settle path adds one counter upsert per function and status per
 * transaction (records.ts).
 */
import type { Db } from '../db';
import { MINUTE_MS } from '../records';

export interface MinuteBucket { at: string; delivered: number; discarded: number; failed: number; retried: number }

export interface FunctionMetrics {
  lastHour: { delivered: number; discarded: number; failed: number; retried: number; filtered: number; successRate: number | null };
  durationMs: { p50: number | null; p95: number | null };
  /** 60 buckets, oldest first; the last one is the current minute. */
  chart: MinuteBucket[];
}

/** Percentiles come from at most this many of the hour's latest attempts. */
export const PERCENTILE_SAMPLE = 5000;

type StatRow = { minute: number; delivered: number; discarded: number; retried: number; failed: number };

export class MetricsQueries {
  private readonly minutes;
  private readonly filtered;
  private readonly durations;
  private readonly bounds;
  private readonly atOrAfter;

  constructor(db: Db) {
    this.minutes = db.prepare('SELECT minute, delivered, discarded, retried, failed FROM minute_stats WHERE function = ? AND minute >= ?');
    this.filtered = db.prepare("SELECT COUNT(*) FROM deliveries WHERE function = ? AND updated_at >= ? AND status = 'filtered'").pluck();
    this.durations = db.prepare('SELECT duration_ms FROM attempts WHERE id >= ? AND function = ? ORDER BY id DESC LIMIT ?').pluck();
    this.bounds = db.prepare('SELECT MIN(id) AS lo, MAX(id) AS hi FROM attempts');
    this.atOrAfter = db.prepare('SELECT at FROM attempts WHERE id >= ? ORDER BY id LIMIT 1').pluck();
  }

  /** The first attempt's rowid at or after `since` (attempts are written in time order), or null. */
  private firstIdSince(since: number): number | null {
    const { lo, hi } = this.bounds.get() as { lo: number | null; hi: number | null };
    if (lo === null || hi === null) return null;
    let [low, high] = [lo, hi + 1];
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const at = this.atOrAfter.get(mid) as number | undefined;
      if (at !== undefined && at < since) low = mid + 1;
      else high = mid;
    }
    return low > hi ? null : low;
  }

  of(fn: string, now = Date.now()): FunctionMetrics {
    const current = Math.floor(now / MINUTE_MS);
    const first = current - 59;
    const rows = new Map((this.minutes.all(fn, first) as StatRow[]).map((r) => [r.minute, r]));
    const chart: MinuteBucket[] = [];
    const total = { delivered: 0, discarded: 0, failed: 0, retried: 0 };
    for (let m = first; m <= current; m++) {
      const r = rows.get(m);
      const bucket = { at: new Date(m * MINUTE_MS).toISOString(), delivered: r?.delivered ?? 0, discarded: r?.discarded ?? 0, failed: r?.failed ?? 0, retried: r?.retried ?? 0 };
      total.delivered += bucket.delivered;
      total.discarded += bucket.discarded;
      total.failed += bucket.failed;
      total.retried += bucket.retried;
      chart.push(bucket);
    }
    const since = now - 60 * MINUTE_MS;
    const tried = total.delivered + total.retried + total.failed;
    const firstId = this.firstIdSince(since);
    const durations = firstId === null ? [] : (this.durations.all(firstId, fn, PERCENTILE_SAMPLE) as number[]).sort((a, b) => a - b);
    return {
      lastHour: { ...total, filtered: this.filtered.get(fn, since) as number, successRate: tried === 0 ? null : total.delivered / tried },
      durationMs: { p50: percentile(durations, 0.5), p95: percentile(durations, 0.95) },
      chart,
    };
  }
}

/** Nearest-rank percentile of sorted values (null when there are none), rounded to 0.1 ms. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return Math.round(value * 10) / 10;
}

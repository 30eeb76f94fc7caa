/** The console's last-hour metrics on a real SQLite store: counts per minute, success rate, percentiles of the hour only. */
import { openDb } from '../../../runtime/local/db';
import { AttemptCounts, RecordStore } from '../../../runtime/local/records';
import { MetricsQueries, percentile } from '../../../runtime/local/console/metrics';
import type { Outcome } from '../../../runtime/delivery';
import { tempProject } from '../helpers/functions';

const outcome = (durationMs: number): Outcome => ({ messageId: 'm', status: 'delivered', reason: null, result: undefined, error: null, logs: [], durationMs });

test('counts and percentiles cover the last 60 minutes only; 60 buckets, oldest first', () => {
  const project = tempProject('destfn-metrics-');
  const db = openDb(project.dataDir);
  try {
    const records = new RecordStore(db);
    const now = Date.UTC(2026, 10, 29, 12, 30, 15);
    const write = (at: number, status: 'delivered' | 'retrying' | 'failed' | 'discarded', ms: number, fn = 'f') => db.transaction(() => {
      const counts = new AttemptCounts();
      records.writeAttempt({ fn, messageId: `m-${at}-${ms}`, attempt: 1, status, outcome: outcome(ms) }, at, counts);
      records.writeAttemptCounts(counts, at);
    })();
    // Two hours ago: slow attempts that must not count. Then, within the hour, 1..100 ms delivered, 2 retried, 1 failed.
    for (let i = 0; i < 50; i++) write(now - 2 * 3600_000 + i, 'delivered', 10_000);
    for (let i = 1; i <= 100; i++) write(now - 50 * 60_000 + i * 1000, 'delivered', i);
    write(now - 60_000, 'retrying', 5);
    write(now - 60_000, 'retrying', 5);
    write(now, 'failed', 5);
    write(now, 'discarded', 5);
    write(now, 'delivered', 7, 'other');
    const m = new MetricsQueries(db).of('f', now);
    expect(m.lastHour).toEqual({ delivered: 100, discarded: 1, retried: 2, failed: 1, filtered: 0, successRate: 100 / 103 });
    expect(m.durationMs).toEqual({ p50: 48, p95: 95 });
    expect(m.chart).toHaveLength(60);
    expect(m.chart[59]).toEqual({ at: '2026-11-29T12:30:00.000Z', delivered: 0, discarded: 1, failed: 1, retried: 0 });
    expect(m.chart[58]).toMatchObject({ at: '2026-11-29T12:29:00.000Z', retried: 2 });
    expect(m.chart.reduce((n, b) => n + b.delivered, 0)).toBe(100);
    expect(new MetricsQueries(db).of('nobody', now)).toMatchObject({ lastHour: { delivered: 0, successRate: null }, durationMs: { p50: null, p95: null } });
  } finally {
    db.close();
    project.cleanup();
  }
});

test('percentile: nearest rank', () => {
  expect(percentile([], 0.5)).toBeNull();
  expect(percentile([3], 0.95)).toBe(3);
  expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
  expect(percentile([1, 2, 3, 4], 0.95)).toBe(4);
});

/** Counts of outcomes over the last `spanMs`, kept in one-second buckets (constant memory, no timers). */
export class OutcomeWindow<K extends string> {
  private readonly buckets: { second: number; counts: Partial<Record<K, number>> }[] = [];

  constructor(private readonly spanMs: number) {}

  add(kind: K, now: number): void {
    const second = Math.floor(now / 1000);
    let last = this.buckets[this.buckets.length - 1];
    if (!last || last.second !== second) {
      last = { second, counts: {} };
      this.buckets.push(last);
      this.prune(now);
    }
    last.counts[kind] = (last.counts[kind] ?? 0) + 1;
  }

  /** Counts per kind over the span ending at `now`. */
  counts(now: number): Partial<Record<K, number>> {
    this.prune(now);
    const out: Partial<Record<K, number>> = {};
    for (const b of this.buckets) for (const k of Object.keys(b.counts) as K[]) out[k] = (out[k] ?? 0) + (b.counts[k] ?? 0);
    return out;
  }

  clear(): void { this.buckets.length = 0; }

  private prune(now: number): void {
    const oldest = Math.floor((now - this.spanMs) / 1000);
    while (this.buckets.length > 0 && this.buckets[0].second <= oldest) this.buckets.shift();
  }
}

/** A count over the last second in ten slots of 100 ms (constant memory, time passed in). */
export class RecentCount {
  private readonly slots = new Array<number>(10).fill(0);
  private slot = 0;

  add(n: number, now: number): void {
    this.advance(now);
    this.slots[this.slot % 10] += n;
  }

  total(now: number): number {
    this.advance(now);
    return this.slots.reduce((a, b) => a + b, 0);
  }

  clear(): void { this.slots.fill(0); }

  private advance(now: number): void {
    const slot = Math.floor(now / 100);
    if (slot <= this.slot) return;
    for (let s = Math.max(this.slot + 1, slot - 9); s <= slot; s++) this.slots[s % 10] = 0;
    this.slot = slot;
  }
}

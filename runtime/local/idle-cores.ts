/**
 * How many of this machine's cores were idle lately (from os.cpus() times, refreshed at most once a second). A
 * second worker process only adds throughput when a core is free to run it: the pool asks before spreading a
 * saturated function (worker-pool.ts).
 */
import { cpus } from 'node:os';

const REFRESH_MS = 1000;

/** The machine's CPU times since boot (ms), summed over its cores. */
export interface CpuTimes { idle: number; total: number; cores: number }

function totals(): CpuTimes {
  let idle = 0;
  let total = 0;
  const all = cpus();
  for (const cpu of all) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total, cores: all.length };
}

/** A reading over a longer window (nobody asked for a while) says what the machine did then, not now. */
const LONGEST_WINDOW_MS = 2 * REFRESH_MS;

export class IdleCores {
  private last: CpuTimes;
  private lastAt: number;
  private value = 0;

  /** `read` and `clock`: the machine's CPU times and the time now (tests give their own). */
  constructor(private readonly read: () => CpuTimes = totals, private readonly clock: () => number = Date.now) {
    this.last = read();
    this.lastAt = clock();
  }

  /**
   * Idle cores (0 … number of cores) over the last second or so; 0 until a reading covers no more than the last
   * LONGEST_WINDOW_MS (after a pause in the calls: e2e saw the idle core of a quiet spell start a second worker).
   */
  now(): number {
    const at = this.clock();
    if (at - this.lastAt < REFRESH_MS) return this.value;
    const current = this.read();
    const total = current.total - this.last.total;
    const fresh = at - this.lastAt <= LONGEST_WINDOW_MS;
    this.value = fresh && total > 0 ? ((current.idle - this.last.idle) / total) * current.cores : 0;
    this.last = current;
    this.lastAt = at;
    return this.value;
  }
}

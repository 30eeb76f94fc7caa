/**
 * How many of this machine's cores were idle lately (from os.cpus() times, refreshed at most once a second). A
 * second worker process only adds throughput when a core is free to run it: the pool asks before spreading a
 * saturated function (worker-pool.ts).
 */
import { cpus } from 'node:os';

const REFRESH_MS = 1000;

interface Times { idle: number; total: number; at: number }

function totals(): Times {
  let idle = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total, at: Date.now() };
}

export class IdleCores {
  private last = totals();
  private value = 0;

  /** Idle cores (0 … number of cores) over the last second or so. */
  now(): number {
    if (Date.now() - this.last.at < REFRESH_MS) return this.value;
    const current = totals();
    const total = current.total - this.last.total;
    if (total > 0) this.value = ((current.idle - this.last.idle) / total) * cpus().length;
    this.last = current;
    return this.value;
  }
}

/** Printing bench figures: `name: value unit` lines, the ratio against the baseline last. */
import { cpus, loadavg } from 'node:os';

export interface Figure { name: string; value: number; unit: string; digits?: number }

export function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

/** One line per figure, in the `name: value unit` form the issue asks for (last lines of the output). */
export function printFigures(figures: readonly Figure[]): void {
  for (const f of figures) process.stdout.write(`${f.name}: ${fmt(f.value, f.digits ?? 1)} ${f.unit}\n`);
}

export function note(text: string): void {
  process.stdout.write(`# ${text}\n`);
}

/** The machine line every bench starts with (load matters on a shared 2-core box). */
export function machineNote(): void {
  const [l1, l5] = loadavg();
  note(`${cpus().length} cores, node ${process.version}, load ${l1.toFixed(2)} / ${l5.toFixed(2)} (1/5 min)`);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

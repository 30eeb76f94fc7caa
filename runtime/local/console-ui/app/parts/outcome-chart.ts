/** Outcomes per minute over the last hour as stacked bars (inline SVG), with a legend and a text summary. */
import { html } from 'htm/preact';
import type { ChartMinute } from '../api-types';

const SERIES = [
  { key: 'delivered', label: 'delivered', tone: 'good' },
  { key: 'discarded', label: 'discarded', tone: 'muted' },
  { key: 'retried', label: 'retried', tone: 'warn' },
  { key: 'failed', label: 'failed', tone: 'bad' },
] as const;

const BAR = 4;
const HEIGHT = 40;

export function OutcomeChart({ minutes, name }: { minutes: ChartMinute[]; name: string }) {
  const total = (m: ChartMinute) => SERIES.reduce((n, s) => n + m[s.key], 0);
  const peak = Math.max(1, ...minutes.map(total));
  const sums = SERIES.map((s) => minutes.reduce((n, m) => n + m[s.key], 0));
  const summary = `Outcomes per minute of ${name} over the last ${minutes.length} minutes: ${SERIES.map((s, i) => `${sums[i]} ${s.label}`).join(', ')}; busiest minute ${peak === 1 && sums.every((n) => n === 0) ? 0 : peak}.`;
  const bars = minutes.flatMap((m, i) => {
    let y = HEIGHT;
    return SERIES.filter((s) => m[s.key] > 0).map((s) => {
      const h = (m[s.key] / peak) * HEIGHT;
      y -= h;
      return html`<rect class=${`fill-${s.tone}`} x=${i * BAR} y=${y} width=${BAR - 1} height=${h}><title>${`${m.at}: ${m[s.key]} ${s.label}`}</title></rect>`;
    });
  });
  return html`<figure class="chart">
    <svg viewBox=${`0 0 ${Math.max(1, minutes.length) * BAR} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label=${summary}>
      <line class="axis" x1="0" y1=${HEIGHT - 0.25} x2=${minutes.length * BAR} y2=${HEIGHT - 0.25} />
      ${bars}
    </svg>
    <figcaption>
      <span class="chart-span">last ${minutes.length} min, peak ${sums.every((n) => n === 0) ? 0 : peak}/min</span>
      ${SERIES.map((s, i) => html`<span class="legend"><span class=${`swatch fill-${s.tone}`} aria-hidden="true"></span>${s.label} ${sums[i]}</span>`)}
    </figcaption>
  </figure>`;
}

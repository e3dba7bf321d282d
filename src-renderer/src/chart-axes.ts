/**
 * Plotly axes for joules and watts written as the tables write them ("15 kJ", "200 µJ"): Plotly's
 * own SI exponents put the prefix on the number and leave the unit apart ("15k J", "100µ (J)").
 */
import { formatMetric, siPrefix } from './format';

/** A linear axis in the one SI-prefixed unit that suits values up to `maxAbs`: multiply the data by `factor`. */
export function siAxisUnit(maxAbs: number, unit: string): { factor: number; unit: string } {
  const [scale, prefix] = siPrefix(maxAbs) ?? [1, ''];
  return { factor: 1 / scale, unit: `${prefix}${unit}` };
}

/**
 * Tick values and texts for a log axis over `values` (positive ones), each written by
 * formatMetric in `unit`: every decade, and 2 and 5 between when the data spans at most two.
 */
export function logTicks(values: readonly number[], unit: string): { tickvals: number[]; ticktext: string[] } | null {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (!positive.length) return null;
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  const steps = hi - lo <= 2 ? [1, 2, 5] : [1];
  const tickvals: number[] = [];
  for (let e = lo; e <= hi; e++) for (const s of steps) tickvals.push(Number((s * 10 ** e).toPrecision(12)));
  return { tickvals, ticktext: tickvals.map((v) => formatMetric(v, unit)) };
}

/**
 * The time axis of a power chart: while the study runs, at least half a minute from the first
 * reading (so the first readings do not spread over milliseconds); otherwise Plotly's own range,
 * which ends at the last reading.
 */
export function powerTimeRange(tMs: readonly number[], running: boolean): { range: [Date, Date]; autorange: false } | Record<string, never> {
  if (!running || !tMs.length) return {};
  let first = Infinity;
  let last = -Infinity;
  for (const t of tMs) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return last - first < 30_000 ? { range: [new Date(first - 1000), new Date(first + 30_000)], autorange: false } : {};
}

/**
 * A watts axis: plain numbers with the unit in the title, never Plotly's "1.5k". (Layouts are
 * made afresh for each plot: Plotly writes computed ranges back into the objects it is given.)
 */
export function powerAxis() {
  return { title: { text: 'power (W)' }, exponentformat: 'none' as const };
}

/**
 * The learning curve: loss on the left, validation accuracy (in %) on the right, and the legend
 * in a row under the plot, where it covers neither axis's tick labels.
 */
export function learningCurveLayout() {
  return {
    title: { text: 'Learning curve' },
    margin: { l: 60, r: 60, t: 30, b: 80 },
    xaxis: { title: { text: 'epoch' } },
    yaxis: { title: { text: 'loss' } },
    yaxis2: { title: { text: 'validation accuracy' }, overlaying: 'y' as const, side: 'right' as const, tickformat: '.0%' },
    legend: { orientation: 'h' as const, x: 0, xanchor: 'left' as const, y: -0.45, yanchor: 'top' as const },
  };
}

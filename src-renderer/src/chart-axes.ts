/**
 * Plotly axes for joules and watts written as the tables write them ("15 kJ", "200 µJ"): Plotly's
 * own SI exponents put the prefix on the number and leave the unit apart ("15k J", "100µ (J)").
 */
import type { Annotations, Data, Layout, Shape } from 'plotly.js';
import type { PaybackResult } from '../../src-main/shared/payback';
import { formatMetric, formatSi, siPrefix } from './format';

/** A linear axis in the one SI-prefixed unit that suits values up to `maxAbs`: multiply the data by `factor`. */
export function siAxisUnit(maxAbs: number, unit: string): { factor: number; unit: string } {
  const [scale, prefix] = siPrefix(maxAbs) ?? [1, ''];
  return { factor: 1 / scale, unit: `${prefix}${unit}` };
}

/**
 * One tick's text, as the tables write the unit, in one style along the axis: parameter counts,
 * which the tables write "4771" below ten thousand and "10 k" above, read "2k", "5k", "10k" here.
 */
export function tickText(v: number, unit: string): string {
  if (unit === 'parameters') return v >= 1000 ? formatSi(v, '').replace(/\s+/g, '') : String(v);
  return formatMetric(v, unit);
}

/** The narrowest plot a log axis's ticks are spaced for, px: the run view's column (frontierLayout's margins) in a window about 820 px wide. */
export const LOG_AXIS_MIN_PX = 280;
/** An estimate of a tick label's width per character at Plotly's 12 px tick font (generous: digits are about 7 px, spaces less). */
const TICK_CHAR_PX = 7;
/** Clear space between neighbouring tick labels, px. */
const TICK_GAP_PX = 8;
/** The least span of a log axis, in decades (a factor of 2): a single point, or points close together, sit in the middle of it. */
const MIN_LOG_SPAN = 0.3;
/** Padding either side of the data, as a share of its span (Plotly's autorange pads by about a marker). */
const LOG_PAD = 0.05;

/**
 * Tick values and texts for a log axis over `values` (positive ones), each written by tickText
 * in `unit`, and the axis's range (log10 of value × factor, as Plotly's log axes take it). The
 * range pads the data a little and is never narrower than a factor of 2, so a single point sits
 * in the middle of its axis. The ticks are the densest of: every digit and 1.5; every digit;
 * 1-2-5; each decade; every few decades, whose labels keep clear of one another on a plot
 * `plotPx` wide (LOG_AXIS_MIN_PX unless the caller knows it is wider), at least two of them
 * inside the range (which widens until two fit): labels never pile up. `factor`: the axis plots
 * value × factor (an axis in µJ) while the texts name the value itself ("200 µJ").
 */
export function logTicks(values: readonly number[], unit: string, factor = 1, plotPx = LOG_AXIS_MIN_PX): { tickvals: number[]; ticktext: string[]; range: [number, number] } | null {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (!positive.length) return null;
  const lMin = Math.log10(Math.min(...positive));
  const lMax = Math.log10(Math.max(...positive));
  const span = lMax - lMin;
  let half = Math.max(span / 2 + LOG_PAD * span, MIN_LOG_SPAN / 2);
  const mid = (lMin + lMax) / 2;
  const round = (v: number) => Number(v.toPrecision(12));
  for (let attempt = 0; attempt < 200; attempt++, half *= 1.1) {
    const lo = mid - half;
    const hi = mid + half;
    const picked = spacedLogTicks(lo, hi, unit, plotPx);
    if (picked) {
      return {
        tickvals: picked.map((v) => (factor === 1 ? v : round(v * factor))),
        ticktext: picked.map((v) => tickText(v, unit)),
        range: [round(lo + Math.log10(factor)), round(hi + Math.log10(factor))],
      };
    }
  }
  return null;
}

/** The densest round ticks inside [10^lo, 10^hi] whose labels keep clear of each other, or null when fewer than two fit. */
function spacedLogTicks(lo: number, hi: number, unit: string, plotPx: number): number[] | null {
  const width = hi - lo;
  const fits = (ticks: number[]): boolean => {
    if (ticks.length < 2) return false;
    for (let i = 1; i < ticks.length; i++) {
      const apartPx = ((Math.log10(ticks[i]!) - Math.log10(ticks[i - 1]!)) / width) * plotPx;
      const needPx = ((tickText(ticks[i - 1]!, unit).length + tickText(ticks[i]!, unit).length) / 2) * TICK_CHAR_PX + TICK_GAP_PX;
      if (apartPx < needPx) return false;
    }
    return true;
  };
  const inside = (steps: number[], every = 1, phase = 0): number[] => {
    const out: number[] = [];
    for (let e = Math.floor(lo) - 1; e <= Math.ceil(hi); e++) {
      if (((e - phase) % every + every) % every !== 0) continue;
      for (const s of steps) {
        const v = Number((s * 10 ** e).toPrecision(12));
        const l = Math.log10(v);
        if (l >= lo - 1e-9 && l <= hi + 1e-9) out.push(v);
      }
    }
    return out;
  };
  for (const steps of [[1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 5]]) {
    const t = inside(steps);
    if (fits(t)) return t;
  }
  // one tick every `every` decades: of the phases, the one with the most ticks inside
  for (const every of [1, 2, 3, 5, 10, 20, 50, 100]) {
    let best: number[] | null = null;
    for (let phase = 0; phase < every; phase++) {
      const t = inside([1], every, phase);
      if (fits(t) && (!best || t.length > best.length)) best = t;
    }
    if (best) return best;
  }
  return null;
}

/**
 * Round ticks from 0 up past `max` (in the axis's own units) with about `target` steps of 1, 2 or
 * 5 × 10^k, each followed by `unit` except the zero, which reads "0" (not "0 kJ").
 */
export function zeroBasedTicks(max: number, unit: string, target = 4): { tickmode: 'array'; tickvals: number[]; ticktext: string[] } {
  if (!(max > 0) || !Number.isFinite(max)) return { tickmode: 'array', tickvals: [0], ticktext: ['0'] };
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
  const tickvals: number[] = [];
  // one step past the data: Plotly's autorange pads the top, and only ticks inside it show
  for (let i = 0; i * step <= max * (1 + 1e-9) + step; i++) tickvals.push(Number((i * step).toPrecision(12)));
  return { tickmode: 'array', tickvals, ticktext: tickvals.map((v) => (v === 0 ? '0' : `${Number(v.toPrecision(6))} ${unit}`)) };
}

/**
 * The frontier's legend and margins, the same in the explorer and the run view's narrow column:
 * the legend in a row at the foot of the figure, under the x-axis title (`yref: 'container'`, so
 * it stays clear of the tick labels at any height), and room on the right for the last tick label.
 */
export function frontierLayout() {
  return {
    margin: { l: 60, r: 40, t: 20, b: 90 },
    legend: { orientation: 'h' as const, x: 0, xanchor: 'left' as const, yref: 'container' as const, y: 0, yanchor: 'bottom' as const },
  };
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

/** A power reading as the meters give it: when (ms since the epoch), which domain, and watts. */
export interface PowerReading {
  tMs: number;
  domain: string;
  powerW: number;
}

/** Two readings of a domain further apart than this, ms: the meters stopped between them (a pause) and started again. */
const METERS_RESTARTED_MS = 2000;

/**
 * The readings of one stream that are power: a meter that reads a counter (or estimates from the
 * load) has no power until its second reading, and gives 0 W for its first. Such a reading (≤ 0 W)
 * where a domain's stream begins, or begins again after the meters stopped, is dropped; every
 * other reading is kept as it came.
 */
export function measuredReadings<T extends PowerReading>(readings: readonly T[]): T[] {
  const lastMs = new Map<string, number>();
  const out: T[] = [];
  for (const r of readings) {
    const prev = lastMs.get(r.domain);
    lastMs.set(r.domain, r.tMs);
    if (!(r.powerW > 0) && (prev === undefined || r.tMs - prev > METERS_RESTARTED_MS)) continue;
    out.push(r);
  }
  return out;
}

/**
 * The run view's power traces, one per domain: the readings stored with the last measured trial
 * (`stored`, those before the first live one) and the live ones, a gap (null) between the two
 * rather than a line across it. Only readings: nothing is added (no 0 W start), so each line
 * begins at its first real reading; the axis's own range may still start at 0 W.
 */
export function powerTraces(stored: readonly PowerReading[] | null, live: readonly PowerReading[], running: boolean) {
  const liveReal = measuredReadings(live);
  const firstLiveMs = live.length ? live[0]!.tMs : Infinity;
  const before = stored && (running || !live.length) ? measuredReadings(stored.filter((s) => s.tMs < firstLiveMs)) : [];
  const domains = [...new Set([...before, ...liveReal].map((s) => s.domain))];
  return domains.map((d) => {
    const a = before.filter((s) => s.domain === d);
    const b = liveReal.filter((s) => s.domain === d);
    const pts = [...a.map((s) => [new Date(s.tMs), s.powerW] as const), ...(a.length && b.length ? [[null, null] as const] : []), ...b.map((s) => [new Date(s.tMs), s.powerW] as const)];
    return { type: 'scatter' as const, mode: pts.length < 20 ? ('lines+markers' as const) : ('lines' as const), name: d, x: pts.map((p) => p[0]), y: pts.map((p) => p[1]), connectgaps: false };
  });
}

/**
 * A watts axis: plain numbers with the unit in the title, never Plotly's "1.5k". (Layouts are
 * made afresh for each plot: Plotly writes computed ranges back into the objects it is given.)
 */
export function powerAxis() {
  return { title: { text: 'power (W)' }, exponentformat: 'none' as const };
}

/**
 * The learning curve: loss on the left, validation accuracy (in %) on the right — a command's
 * `accuracyLabel` says "as reported", since ECOpt does not know on which split it measured it —
 * and the legend in a row under the plot, where it covers neither axis's tick labels.
 */
/**
 * Ticks of an axis that counts (trials, epochs): whole numbers only. Plotly's automatic ticks on
 * a span of 3 are 0, 0.5, 1, …: "trial 1.5" and "epoch 2.5" do not exist. Past 10 its automatic
 * steps are whole already.
 */
export function countTicks(max: number): { dtick?: number; tick0?: number } {
  return max <= 10 ? { tick0: 0, dtick: 1 } : {};
}

/**
 * `accuracies`: the curve's, so that a narrow range gets a decimal (walk 37: "81%, 81%" as two
 * ticks 0.4 points apart). `lossLabel`: what the loss is, where it is not self-evident (a built-in
 * regression trains on the standardised target: its loss is no RMSE in the target's units).
 */
export function learningCurveLayout(by: 'epoch' | 'step' = 'epoch', accuracyLabel = 'validation accuracy', maxX = Infinity, accuracies: readonly number[] = [], lossLabel = 'loss') {
  const span = accuracies.length ? Math.max(...accuracies) - Math.min(...accuracies) : 1;
  return {
    title: { text: 'Learning curve' },
    // room on the right for the percentages and "accuracy (as reported)"
    margin: { l: 60, r: 75, t: 30, b: 80 },
    xaxis: { title: { text: by }, ...countTicks(maxX) },
    yaxis: { title: { text: lossLabel } },
    yaxis2: { title: { text: accuracyLabel }, overlaying: 'y' as const, side: 'right' as const, tickformat: span < 0.02 ? '.2%' : span < 0.1 ? '.1%' : '.0%' },
    legend: { orientation: 'h' as const, x: 0, xanchor: 'left' as const, y: -0.45, yanchor: 'top' as const },
  };
}

/** A measurement window of a trial: its phase and, where the server gives it, when it began (ms since the epoch). */
export interface PhaseWindow {
  phase: string;
  durationS: number;
  startedAtMs?: number | null;
}

const PHASE_COLOURS: Record<string, string> = { train: '#2e8b57', infer: '#1f77b4', evaluate: '#d08a2c', idle: '#9aa39d' };

/**
 * Bands and labels marking a trial's phases on a power trace's time axis, from the windows that
 * give their start: those that begin or end near the readings (`tMs`), so that a re-measurement
 * made later does not stretch the axis. Null when no window gives a start.
 */
export function phaseMarks(windows: readonly PhaseWindow[], tMs: readonly number[]): { shapes: Partial<Shape>[]; annotations: Partial<Annotations>[] } | null {
  const timed = windows.filter((w): w is PhaseWindow & { startedAtMs: number } => typeof w.startedAtMs === 'number' && Number.isFinite(w.startedAtMs) && w.durationS >= 0);
  if (!timed.length) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of tMs) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const slack = Number.isFinite(lo) ? Math.max(2000, 0.1 * (hi - lo)) : Infinity;
  const near = timed.filter((w) => !Number.isFinite(lo) || (w.startedAtMs <= hi + slack && w.startedAtMs + w.durationS * 1000 >= lo - slack));
  if (!near.length) return null;
  const shapes: Partial<Shape>[] = [];
  const annotations: Partial<Annotations>[] = [];
  for (const w of near) {
    const x0 = w.startedAtMs;
    const x1 = w.startedAtMs + w.durationS * 1000;
    const colour = PHASE_COLOURS[w.phase] ?? '#9aa39d';
    shapes.push({ type: 'rect', xref: 'x', yref: 'paper', x0: new Date(x0), x1: new Date(x1), y0: 0, y1: 1, fillcolor: colour, opacity: 0.12, line: { width: 0 }, layer: 'below' });
    // the label inside the band at its foot: a power trace rarely runs near 0 W, and the title has the top
    annotations.push({ xref: 'x', yref: 'paper', // a Date, as the trace's x values are: Plotly reads both in local time (its types say string)
      x: new Date((x0 + x1) / 2) as unknown as string, y: 0, yanchor: 'bottom', text: w.phase, showarrow: false, font: { size: 10, color: colour } });
  }
  return { shapes, annotations };
}

const GREEN = '#2e8b57';
/** The payback band's fill: the shape's colour at its opacity, for the legend swatch too. */
const BAND = 'rgba(46,139,87,0.12)';

/**
 * The payback chart: cumulative energy against predictions for the chosen model (the search's
 * energy first) and the reference, the payback point, and the payback interval shaded with its
 * own legend entry. The energy axis is in the one SI unit its largest value suits, its zero
 * written "0"; the same figures the reports draw (render/chart.ts drawPayback).
 */
export function paybackFigure(p: Pick<PaybackResult, 'chosenTrial' | 'referenceTrial' | 'campaignEnergyJ' | 'chosenJPerPrediction' | 'referenceJPerPrediction' | 'predictions' | 'interval' | 'text'>): { data: Data[]; layout: Partial<Layout> } {
  const nMax = p.predictions !== null && p.predictions > 0 ? 2 * p.predictions : p.referenceJPerPrediction > 0 ? (2 * p.campaignEnergyJ) / p.referenceJPerPrediction || 1000 : 1000;
  const maxJ = Math.max(p.campaignEnergyJ + p.chosenJPerPrediction * nMax, p.referenceJPerPrediction * nMax);
  const e = siAxisUnit(maxJ, 'J');
  const hover = `%{y:.3~g} ${e.unit} after %{x:,.0f} predictions`;
  const data: Data[] = [
    { type: 'scatter', mode: 'lines', name: `model #${p.chosenTrial}: the search, then per prediction`, x: [0, nMax], y: [p.campaignEnergyJ * e.factor, (p.campaignEnergyJ + p.chosenJPerPrediction * nMax) * e.factor], hovertemplate: hover, line: { color: GREEN } },
    { type: 'scatter', mode: 'lines', name: `model #${p.referenceTrial} (reference)`, x: [0, nMax], y: [0, p.referenceJPerPrediction * nMax * e.factor], hovertemplate: hover, line: { color: '#555', dash: 'dash' } },
  ];
  if (p.predictions !== null) {
    data.push({ type: 'scatter', mode: 'markers', name: `pays back after ${p.text.predictions}`, x: [p.predictions], y: [p.referenceJPerPrediction * p.predictions * e.factor], hovertemplate: hover, marker: { color: '#c81e1e', size: 9 } });
  }
  const shapes: Partial<Shape>[] = [];
  if (p.interval) {
    const x0 = Math.min(p.interval.low, nMax);
    const x1 = Math.min(p.interval.high ?? nMax, nMax);
    shapes.push({ type: 'rect', xref: 'x', yref: 'paper', x0, x1, y0: 0, y1: 1, fillcolor: GREEN, opacity: 0.12, line: { width: 0 }, layer: 'below' });
    // a shape has no legend entry of its own: an empty trace gives the band its swatch and name
    data.push({ type: 'scatter', mode: 'markers', name: `payback interval: ${p.text.interval}`, x: [null], y: [null], hoverinfo: 'skip', marker: { symbol: 'square', size: 14, color: BAND, line: { color: 'rgba(46,139,87,0.35)', width: 1 } } });
  }
  return {
    data,
    layout: {
      margin: { l: 60, r: 10, t: 10, b: 70 },
      xaxis: { title: { text: 'predictions made with the model' }, range: [0, nMax] },
      yaxis: { title: { text: 'cumulative energy' }, rangemode: 'tozero', ...zeroBasedTicks(maxJ * e.factor, e.unit) },
      legend: { orientation: 'h', y: -0.5 },
      ...(shapes.length ? { shapes } : {}),
    },
  };
}

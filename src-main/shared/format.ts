/** Human-readable numbers with units, shared by the CLI and the UI. */

const PREFIXES: [number, string][] = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
];

/** The SI prefix formatSi writes `value` with, and its scale; null below nano (or for 0 and non-finite values). */
export function siPrefix(value: number): [scale: number, prefix: string] | null {
  const abs = Math.abs(value);
  if (!Number.isFinite(abs) || abs === 0) return null;
  return PREFIXES.find(([scale]) => abs >= scale * 0.9995) ?? null;
}

/** 0.000123 J → "123 µJ". Three significant figures. */
export function formatSi(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  if (value === 0) return `0 ${unit}`;
  const p = siPrefix(value);
  return p ? `${Number((value / p[0]).toPrecision(3))} ${p[1]}${unit}` : `${value.toExponential(2)} ${unit}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Formats a metric value by its unit. */
export function formatMetric(value: number | undefined, unit: string): string {
  if (value === undefined) return '—';
  switch (unit) {
    case 'fraction':
      return formatPercent(value);
    case 'J':
      return formatSi(value, 'J');
    case 's':
      return formatSi(value, 's');
    case 'FLOP':
      return formatSi(value, 'FLOP');
    case 'samples/J':
      return `${Number(value.toPrecision(3))} /J`;
    case 'parameters':
      return value >= 1e4 ? formatSi(value, '') .trim() : String(Math.round(value));
    default:
      return Number(value.toPrecision(4)).toString();
  }
}

/** "120 J ± 10 J": the ± to two significant figures, in the figure's own prefix ("33 J ± 7.2 J", not "± 7.18 J"). */
export function projectedEnergyText(p: { energyJ: number; intervalRel: number }): string {
  const prefix = siPrefix(p.energyJ);
  const margin = prefix ? `${Number(((p.energyJ * p.intervalRel) / prefix[0]).toPrecision(2))} ${prefix[1]}J` : formatMetric(p.energyJ * p.intervalRel, 'J');
  return `${formatMetric(p.energyJ, 'J')} ± ${margin}`;
}

/** "projected: training 120 J ± 10 J, training ends in about 12 s", for the running trial (CLI and app): the training phase's end, not the trial's (its inference benchmark and evaluation follow). */
export function projectionText(p: { energyJ: number; intervalRel: number; remainingS: number }): string {
  const left = p.remainingS < 0.5 ? 'training ends in under a second' : `training ends in about ${formatDuration(p.remainingS)}`;
  return `projected: training ${projectedEnergyText(p)}, ${left}`;
}

/** The running trial's projection as the CLI and the run view keep it: the time left counts down from when it was made. */
export interface LiveProjection {
  energyJ: number;
  intervalRel: number;
  /** When training is projected to end (Date.now() milliseconds). */
  endsAtMs: number;
}

export function liveProjection(p: { energyJ: number; intervalRel: number; remainingS: number }, nowMs = Date.now()): LiveProjection {
  return { energyJ: p.energyJ, intervalRel: p.intervalRel, endsAtMs: nowMs + p.remainingS * 1000 };
}

/** Seconds of training left by a live projection at `nowMs` (never below 0). */
export function remainingOf(p: LiveProjection, nowMs = Date.now()): number {
  return Math.max(0, (p.endsAtMs - nowMs) / 1000);
}

/**
 * How a trial's projection (made once while it trained, stored as attrs.train_projection) turned
 * out against what was measured: for the app's trial detail and `ecopt show --projections`, so
 * both say the same.
 */
import { formatMetric, formatSi, projectedEnergyText } from './format';
import { median } from './stats';

export interface ProjectionCheck {
  /** Share of the training's steps done when it was made. */
  atFraction: number;
  projectedJ: number;
  /** ± relative half-width of the energy's interval, and of the duration's. */
  energyRel: number;
  durationRel: number;
  actualJ: number;
  projectedS: number;
  actualS: number;
  /** projected / actual − 1. */
  energyErr: number;
  durationErr: number;
  /** Finished trials of the study its remainder was calibrated on (0: none). */
  calibratedOn: number;
  /** Whose energy it projected: the trial's own, or the machine's (no CPU time was readable). */
  whose: 'trial' | 'machine';
  /** Seconds of training and joules measured when it was made (null in older records). */
  madeAtS: number | null;
  energyAtJ: number | null;
  /** The calibration its remainder was scaled by (1: none). */
  durationRatio: number;
  energyRatio: number;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The check of one stored projection, or null when the trial has none or it never finished training. */
export function projectionCheck(stored: unknown): ProjectionCheck | null {
  if (!stored || typeof stored !== 'object') return null;
  const p = stored as Record<string, unknown>;
  if (![p.atFraction, p.projectedEnergyJ, p.intervalRel, p.projectedDurationS, p.actualEnergyJ, p.actualDurationS].every(finite)) return null;
  const actualJ = p.actualEnergyJ as number;
  const actualS = p.actualDurationS as number;
  if (actualJ <= 0 || actualS <= 0) return null;
  const calibration = (p.calibration ?? {}) as Record<string, unknown>;
  return {
    atFraction: p.atFraction as number,
    projectedJ: p.projectedEnergyJ as number,
    energyRel: p.intervalRel as number,
    durationRel: finite(p.durationIntervalRel) ? p.durationIntervalRel : (p.intervalRel as number),
    actualJ,
    projectedS: p.projectedDurationS as number,
    actualS,
    energyErr: (p.projectedEnergyJ as number) / actualJ - 1,
    durationErr: (p.projectedDurationS as number) / actualS - 1,
    calibratedOn: finite(calibration.n) ? calibration.n : 0,
    whose: p.energyOf === 'machine' ? 'machine' : 'trial',
    madeAtS: finite(p.madeAtS) ? p.madeAtS : null,
    energyAtJ: finite(p.energyAtJ) ? p.energyAtJ : null,
    durationRatio: finite(calibration.durationRatio) ? calibration.durationRatio : 1,
    energyRatio: finite(calibration.energyRatio) ? calibration.energyRatio : 1,
  };
}

export const signedPercent = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`;

/** "9.0% high", "19.3% low": a projection against what was measured (walk 49: "+35.5%" beside a measured figure below the projection read as the measurement's excess). */
function offBy(err: number): string {
  return `${Math.abs(err * 100).toFixed(1)}% ${err >= 0 ? 'high' : 'low'}`;
}

/** "121 J ± 22 J and 2.4 s ± 0.4 s, projected at 45% of the training (calibrated on 5 trials); measured 111 J in 2.3 s: the projection 9.0% high and 4.3% high, inside both intervals" */
export function projectionCheckText(c: ProjectionCheck): string {
  const insideE = withinInterval(c.energyErr, c.energyRel);
  const insideD = withinInterval(c.durationErr, c.durationRel);
  const inside = insideE && insideD ? 'inside both intervals' : insideE ? 'the energy inside its interval, the time outside' : insideD ? 'the time inside its interval, the energy outside' : 'outside both intervals';
  return (
    `${projectedEnergyText({ energyJ: c.projectedJ, intervalRel: c.energyRel })}${c.whose === 'machine' ? ' (the whole machine\'s)' : ''} and ${formatSi(c.projectedS, 's')} ± ${formatSi(c.projectedS * c.durationRel, 's')}, ` +
    `projected at ${Math.round(c.atFraction * 100)}% of the training${c.calibratedOn ? ` (calibrated on ${c.calibratedOn} finished trial${c.calibratedOn === 1 ? '' : 's'})` : ''}; ` +
    `measured ${formatMetric(c.actualJ, 'J')} in ${formatSi(c.actualS, 's')}: the projection ${offBy(c.energyErr)} and ${offBy(c.durationErr)}, ${inside}`
  );
}

export interface ProjectionSummary {
  n: number;
  energyMedianAbs: number;
  durationMedianAbs: number;
  insideEnergy: number;
  insideDuration: number;
}

export function projectionSummary(checks: readonly ProjectionCheck[]): ProjectionSummary | null {
  if (!checks.length) return null;
  return {
    n: checks.length,
    energyMedianAbs: median(checks.map((c) => Math.abs(c.energyErr)))!,
    durationMedianAbs: median(checks.map((c) => Math.abs(c.durationErr)))!,
    insideEnergy: checks.filter((c) => withinInterval(c.energyErr, c.energyRel)).length,
    insideDuration: checks.filter((c) => withinInterval(c.durationErr, c.durationRel)).length,
  };
}

/**
 * Whether the measured figure lies within the stated interval, projection × (1 ± rel), given the
 * error as projection / measured − 1. The interval is relative to the projection, the error to
 * the measurement: |err| ≤ rel was wrong by the ratio of the two (walk 56: 1.03 s, inside
 * "1.33 s ± 317 ms" as printed, was counted outside).
 */
export function withinInterval(err: number, rel: number): boolean {
  return Math.abs(err) <= rel * (1 + err) + 1e-12;
}

/**
 * What every sampler needs from the history besides its own model: objective thresholds as
 * constraints — how far a trial is from meeting every limit, as a sum of relative shortfalls
 * (0 when feasible), so limits in different units can be added up — and which trials count.
 */
import type { ObjectiveSpec } from '../../shared/spec';
import { toMinimisation } from '../../shared/pareto';
import type { FinishedTrial } from './types';

export function violation(values: readonly number[], objectives: readonly ObjectiveSpec[]): number {
  let v = 0;
  objectives.forEach((o, i) => {
    if (o.threshold === undefined) return;
    const x = values[i]!;
    const excess = o.direction === 'minimize' ? x - o.threshold : o.threshold - x;
    if (excess > 0) v += excess / Math.max(Math.abs(o.threshold), 1e-12);
  });
  return v;
}

export function minimised(values: readonly number[], objectives: readonly ObjectiveSpec[]): number[] {
  return toMinimisation(values, objectives.map((o) => o.direction));
}

/**
 * The trials a model may learn from: finished with one finite value per objective. A NaN or ±∞
 * (whoever passed it: the study loop already drops them, direct callers of the API may not) makes
 * the trial a failure, exactly as if its values were null.
 */
export function withValues(history: readonly FinishedTrial[], objectives: readonly ObjectiveSpec[]): (FinishedTrial & { values: number[] })[] {
  return history.filter(
    (t): t is FinishedTrial & { values: number[] } =>
      t.state !== 'running' && t.values !== null && t.values.length === objectives.length && t.values.every((v) => Number.isFinite(v)),
  );
}

/** Trials proposed earlier and still running (no values yet). */
export function stillRunning(history: readonly FinishedTrial[]): FinishedTrial[] {
  return history.filter((t) => t.state === 'running');
}

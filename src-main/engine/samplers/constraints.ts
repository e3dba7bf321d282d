/**
 * Objective thresholds as constraints: how far a trial is from meeting every limit, as a sum of
 * relative shortfalls (0 when feasible), so limits in different units can be added up.
 */
import type { ObjectiveSpec } from '../../shared/spec';
import { toMinimisation } from '../../shared/pareto';

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

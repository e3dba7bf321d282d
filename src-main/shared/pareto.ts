/**
 * Pareto maths as pure functions. Points are objective vectors; directions say which way is
 * better for each objective. Internally everything is turned into minimisation.
 */
import type { Direction } from './types';

export function toMinimisation(values: readonly number[], directions: readonly Direction[]): number[] {
  return values.map((v, i) => (directions[i] === 'maximize' ? -v : v));
}

/** a dominates b (minimisation): no worse in every objective, better in at least one. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) better = true;
  }
  return better;
}

/** Indices of the non-dominated points (minimisation). Duplicates are all kept. */
export function paretoFrontIndices(points: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) {
      if (j !== i && dominates(points[j]!, points[i]!)) dominated = true;
    }
    if (!dominated) out.push(i);
  }
  return out;
}

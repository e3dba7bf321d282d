/**
 * Expected hypervolume improvement of a point whose objectives are independent Gaussians
 * (minimisation), computed exactly for any number of objectives.
 *
 * The region a new point can add volume to — below the reference point and not dominated by the
 * front — is cut into disjoint boxes: one column per cell of the grid that the front's
 * coordinates draw on the first m−1 axes, open downwards on every axis and capped on the last
 * axis by the lowest front point that dominates the cell's lower corner. For two objectives these
 * are the usual vertical strips. Because the objectives are independent, the expected volume a
 * box gains is a product over axes of E[(u − max(l, Y))⁺] = G(u) − G(l), G(c) = E[(c − Y)⁺], so
 * EHVI = Σ_boxes Π_k (G_k(u_k) − G_k(l_k)). A Monte-Carlo estimate is kept to check it.
 */
import { hypervolumeImprovement, paretoFrontIndices } from '../../../shared/pareto';
import { normCdf, normPdf } from '../../../shared/normal';

/** E[(c − Y)⁺] for Y ~ N(μ, σ²). */
export function expectedShortfall(c: number, mu: number, sd: number): number {
  if (c === -Infinity) return 0;
  if (c === Infinity) return Infinity;
  if (sd <= 1e-12) return Math.max(c - mu, 0);
  const z = (c - mu) / sd;
  return (c - mu) * normCdf(z) + sd * normPdf(z);
}

export interface Box {
  lower: number[];
  upper: number[];
}

/** The disjoint boxes covering the region below `ref` that the front does not dominate. */
export function nonDominatedBoxes(front: readonly (readonly number[])[], ref: readonly number[]): Box[] {
  const m = ref.length;
  const inside = front.filter((p) => p.every((v, k) => v < ref[k]!));
  const pts = paretoFrontIndices(inside).map((i) => inside[i]!);
  if (pts.length === 0) return [{ lower: new Array<number>(m).fill(-Infinity), upper: [...ref] }];
  const axes = Array.from({ length: m - 1 }, (_, k) => [-Infinity, ...[...new Set(pts.map((p) => p[k]!))].sort((a, b) => a - b), ref[k]!]);
  const boxes: Box[] = [];
  const idx = new Array<number>(m - 1).fill(0);
  for (;;) {
    const lower = idx.map((i, k) => axes[k]![i]!);
    const upper = idx.map((i, k) => axes[k]![i + 1]!);
    let cap = ref[m - 1]!;
    for (const p of pts) {
      let dominatesCorner = true;
      for (let k = 0; k < m - 1 && dominatesCorner; k++) if (!(p[k]! <= lower[k]!)) dominatesCorner = false;
      if (dominatesCorner && p[m - 1]! < cap) cap = p[m - 1]!;
    }
    if (cap > -Infinity) boxes.push({ lower: [...lower, -Infinity], upper: [...upper, cap] });
    let k = 0;
    while (k < m - 1 && ++idx[k]! >= axes[k]!.length - 1) idx[k++] = 0;
    if (k === m - 1) break;
  }
  return boxes;
}

export function ehvi(boxes: readonly Box[], mu: readonly number[], sd: readonly number[]): number {
  let total = 0;
  for (const b of boxes) {
    let prod = 1;
    for (let k = 0; k < mu.length && prod > 0; k++) {
      prod *= expectedShortfall(b.upper[k]!, mu[k]!, sd[k]!) - expectedShortfall(b.lower[k]!, mu[k]!, sd[k]!);
    }
    if (prod > 0) total += prod;
  }
  return total;
}

/** The mean improvement over the given standard-normal draws (a check on the exact value). */
export function ehviMonteCarlo(
  front: readonly (readonly number[])[],
  ref: readonly number[],
  mu: readonly number[],
  sd: readonly number[],
  normals: readonly (readonly number[])[],
): number {
  let total = 0;
  for (const z of normals) total += hypervolumeImprovement(mu.map((m, k) => m + sd[k]! * z[k]!), front, ref);
  return total / normals.length;
}

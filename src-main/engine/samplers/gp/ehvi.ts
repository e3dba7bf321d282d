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
 * EHVI = Σ_boxes Π_k (G_k(u_k) − G_k(l_k)). Every box corner is one of the grid's coordinates,
 * so G is evaluated once per coordinate and axis, and each box costs m − 1 multiplications.
 *
 * The grid has Π_{k<m−1} (distinct values on axis k + 1) cells: n + 1 for two objectives, but
 * (n + 1)³ for four, so callers check `cellCount` first and stay under a cap (gp-ehvi.ts). A
 * Monte-Carlo estimate is kept to check the exact value.
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

function frontInside(front: readonly (readonly number[])[], ref: readonly number[]): (readonly number[])[] {
  const inside = front.filter((p) => p.every((v, k) => v < ref[k]!));
  return paretoFrontIndices(inside).map((i) => inside[i]!);
}

/** How many boxes the decomposition of this front would have (without building it). */
export function cellCount(front: readonly (readonly number[])[], ref: readonly number[]): number {
  const pts = frontInside(front, ref);
  let cells = 1;
  for (let k = 0; k < ref.length - 1; k++) cells *= new Set(pts.map((p) => p[k]!)).size + 1;
  return cells;
}

/** The non-dominated region of a front as disjoint boxes on a coordinate grid, for fast EHVI. */
export class BoxDecomposition {
  /** Per axis: −∞, the front's distinct values ascending, the reference value. */
  readonly coords: Float64Array[];
  /** Per box, the grid index of its lower corner on axes 0…m−2 and of its cap on axis m−1. */
  readonly index: Int32Array;
  readonly size: number;
  private readonly m: number;
  private readonly g: Float64Array[];

  constructor(front: readonly (readonly number[])[], ref: readonly number[]) {
    const m = ref.length;
    this.m = m;
    const pts = frontInside(front, ref);
    this.coords = Array.from({ length: m }, (_, k) => Float64Array.from([-Infinity, ...[...new Set(pts.map((p) => p[k]!))].sort((a, b) => a - b), ref[k]!]));
    this.g = this.coords.map((c) => new Float64Array(c.length));
    const lastAxis = this.coords[m - 1]!;
    const capIndex = (v: number) => {
      // lastAxis is sorted; v is one of its values
      let lo = 0;
      let hi = lastAxis.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (lastAxis[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const cells = Array.from({ length: m - 1 }, (_, k) => this.coords[k]!.length - 1).reduce((a, b) => a * b, 1);
    const index = new Int32Array(cells * m);
    const idx = new Array<number>(m - 1).fill(0);
    let size = 0;
    for (let c = 0; c < cells; c++) {
      let cap = ref[m - 1]!;
      for (const p of pts) {
        let dominatesCorner = true;
        for (let k = 0; k < m - 1; k++) {
          if (!(p[k]! <= this.coords[k]![idx[k]!]!)) {
            dominatesCorner = false;
            break;
          }
        }
        if (dominatesCorner && p[m - 1]! < cap) cap = p[m - 1]!;
      }
      for (let k = 0; k < m - 1; k++) index[size * m + k] = idx[k]!;
      index[size * m + m - 1] = capIndex(cap);
      size++;
      let k = 0;
      while (k < m - 1 && ++idx[k]! >= this.coords[k]!.length - 1) idx[k++] = 0;
    }
    this.index = index;
    this.size = size;
  }

  /** Exact EHVI of a point with independent Gaussian objectives N(mu_k, sd_k²). */
  ehvi(mu: readonly number[], sd: readonly number[]): number {
    const m = this.m;
    for (let k = 0; k < m; k++) {
      const c = this.coords[k]!;
      const g = this.g[k]!;
      for (let j = 0; j < c.length; j++) g[j] = expectedShortfall(c[j]!, mu[k]!, sd[k]!);
    }
    const index = this.index;
    const last = this.g[m - 1]!;
    let total = 0;
    for (let b = 0; b < this.size; b++) {
      const base = b * m;
      // the last axis is open downwards: G(−∞) = 0
      let prod = last[index[base + m - 1]!]!;
      for (let k = 0; k < m - 1 && prod > 0; k++) {
        const g = this.g[k]!;
        const i = index[base + k]!;
        prod *= g[i + 1]! - g[i]!;
      }
      if (prod > 0) total += prod;
    }
    return total;
  }

  boxes(): Box[] {
    const m = this.m;
    const out: Box[] = [];
    for (let b = 0; b < this.size; b++) {
      const lower: number[] = [];
      const upper: number[] = [];
      for (let k = 0; k < m - 1; k++) {
        lower.push(this.coords[k]![this.index[b * m + k]!]!);
        upper.push(this.coords[k]![this.index[b * m + k]! + 1]!);
      }
      lower.push(-Infinity);
      upper.push(this.coords[m - 1]![this.index[b * m + m - 1]!]!);
      out.push({ lower, upper });
    }
    return out;
  }
}

/** The disjoint boxes covering the region below `ref` that the front does not dominate. */
export function nonDominatedBoxes(front: readonly (readonly number[])[], ref: readonly number[]): Box[] {
  return new BoxDecomposition(front, ref).boxes();
}

/** EHVI from explicit boxes (the slow, obvious form; BoxDecomposition.ehvi is the fast one). */
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

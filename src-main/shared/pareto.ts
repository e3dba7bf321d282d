/**
 * Pareto maths as pure functions (shared so the renderer can draw fronts). Points are objective
 * vectors in minimisation form: use toMinimisation first. Constraint violation is a number ≥ 0
 * per point, 0 when feasible.
 */
import type { Direction } from './types';

export type Point = readonly number[];

export function toMinimisation(values: readonly number[], directions: readonly Direction[]): number[] {
  return values.map((v, i) => (directions[i] === 'maximize' ? -v : v));
}

/** a dominates b: no worse in every objective, better in at least one. */
export function dominates(a: Point, b: Point): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) better = true;
  }
  return better;
}

/** Deb's constrained domination: feasible beats infeasible, less violation beats more. */
export function constrainedDominates(a: Point, b: Point, violationA: number, violationB: number): boolean {
  if (violationA <= 0 && violationB > 0) return true;
  if (violationA > 0 && violationB <= 0) return false;
  if (violationA > 0 && violationB > 0) return violationA < violationB;
  return dominates(a, b);
}

/** Indices of the non-dominated points. Duplicates are all kept. */
export function paretoFrontIndices(points: readonly Point[]): number[] {
  if (points.length === 0) return [];
  if (points[0]!.length === 2) return front2d(points);
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) if (j !== i && dominates(points[j]!, points[i]!)) dominated = true;
    if (!dominated) out.push(i);
  }
  return out;
}

/** O(n log n) first front for two objectives (the frontier explorer draws 10,000 points). */
function front2d(points: readonly Point[]): number[] {
  const order = points.map((_, i) => i).sort((a, b) => points[a]![0]! - points[b]![0]! || points[a]![1]! - points[b]![1]!);
  const out: number[] = [];
  let bestY = Infinity;
  let lastX = NaN;
  let lastY = NaN;
  for (const i of order) {
    const [x, y] = points[i] as [number, number];
    if (y < bestY || (x === lastX && y === lastY)) {
      out.push(i);
      if (y < bestY) {
        bestY = y;
        lastX = x;
        lastY = y;
      }
    }
  }
  return out.sort((a, b) => a - b);
}

/**
 * Non-dominated sorting: rank 0 is the front, rank 1 the front of the rest, and so on. With
 * violations given, constrained domination is used (feasible points rank ahead of infeasible).
 */
export function nonDominatedRanks(points: readonly Point[], violations?: readonly number[]): number[] {
  const n = points.length;
  const dom = (i: number, j: number) =>
    violations ? constrainedDominates(points[i]!, points[j]!, violations[i]!, violations[j]!) : dominates(points[i]!, points[j]!);
  const dominatedBy = new Array<number>(n).fill(0);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dom(i, j)) {
        dominating[i]!.push(j);
        dominatedBy[j]!++;
      } else if (dom(j, i)) {
        dominating[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  }
  const rank = new Array<number>(n).fill(-1);
  let current = dominatedBy.flatMap((c, i) => (c === 0 ? [i] : []));
  let r = 0;
  while (current.length) {
    const next: number[] = [];
    for (const i of current) {
      rank[i] = r;
      for (const j of dominating[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    }
    current = next;
    r++;
  }
  return rank;
}

/** NSGA-II crowding distance within one front; boundary points get Infinity. */
export function crowdingDistance(points: readonly Point[]): number[] {
  const n = points.length;
  const d = new Array<number>(n).fill(0);
  if (n <= 2) return d.fill(Infinity);
  const m = points[0]!.length;
  for (let k = 0; k < m; k++) {
    const order = points.map((_, i) => i).sort((a, b) => points[a]![k]! - points[b]![k]!);
    const lo = points[order[0]!]![k]!;
    const hi = points[order[n - 1]!]![k]!;
    d[order[0]!] = Infinity;
    d[order[n - 1]!] = Infinity;
    if (hi === lo) continue;
    for (let i = 1; i < n - 1; i++) d[order[i]!]! += (points[order[i + 1]!]![k]! - points[order[i - 1]!]![k]!) / (hi - lo);
  }
  return d;
}

/** Points that strictly dominate the reference point; the rest add no volume. */
function inside(points: readonly Point[], ref: Point): Point[] {
  return points.filter((p) => p.every((v, i) => v < ref[i]!));
}

function hv2d(points: readonly Point[], ref: Point): number {
  const pts = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let volume = 0;
  let lastY = ref[1]!;
  for (const p of pts) {
    if (p[1]! < lastY) {
      volume += (ref[0]! - p[0]!) * (lastY - p[1]!);
      lastY = p[1]!;
    }
  }
  return volume;
}

function hv3d(points: readonly Point[], ref: Point): number {
  // sweep along the third objective, keeping the 2-D front of the points seen so far
  const pts = [...points].sort((a, b) => a[2]! - b[2]!);
  let volume = 0;
  const slice: Point[] = [];
  for (let i = 0; i < pts.length; i++) {
    slice.push([pts[i]![0]!, pts[i]![1]!]);
    const zNext = i + 1 < pts.length ? pts[i + 1]![2]! : ref[2]!;
    const dz = zNext - pts[i]![2]!;
    if (dz > 0) volume += hv2d(slice, [ref[0]!, ref[1]!]) * dz;
  }
  return volume;
}

/** WFG (While, Bradstreet, Barone 2012): exact for any number of objectives. */
function wfg(points: readonly Point[], ref: Point): number {
  const m = ref.length;
  if (m === 2) return hv2d(points, ref);
  if (m === 3) return hv3d(points, ref);
  const pts = [...points].sort((a, b) => b[m - 1]! - a[m - 1]!);
  let volume = 0;
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    const box = p.reduce((acc, v, k) => acc * (ref[k]! - v), 1);
    // the part of p's box already covered by the points after it
    const limited = pts.slice(i + 1).map((q) => q.map((v, k) => Math.max(v, p[k]!)));
    const nd = paretoFrontIndices(limited).map((j) => limited[j]!);
    volume += box - (nd.length ? wfg(nd, ref) : 0);
  }
  return volume;
}

/** Exact hypervolume dominated by the points and bounded by the reference point (minimisation). */
export function hypervolume(points: readonly Point[], ref: Point): number {
  const pts = inside(points, ref);
  if (pts.length === 0) return 0;
  const front = paretoFrontIndices(pts).map((i) => pts[i]!);
  return wfg(front, ref);
}

/** The volume each point alone dominates (0 for dominated points). */
export function hypervolumeContributions(points: readonly Point[], ref: Point): number[] {
  const total = hypervolume(points, ref);
  return points.map((_, i) => total - hypervolume(points.filter((__, j) => j !== i), ref));
}

/** Hypervolume gained by adding one point to a set. */
export function hypervolumeImprovement(point: Point, points: readonly Point[], ref: Point): number {
  if (!point.every((v, i) => v < ref[i]!)) return 0;
  return hypervolume([...points, point], ref) - hypervolume(points, ref);
}

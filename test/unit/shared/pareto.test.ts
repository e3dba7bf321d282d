import { describe, expect, it } from 'vitest';
import {
  constrainedDominates,
  crowdingDistance,
  dominates,
  hypervolume,
  hypervolumeContributions,
  nonDominatedRanks,
  paretoFrontIndices,
} from '../../../src-main/shared/pareto';
import { makeRng } from '../../../src-main/shared/rng';

function randomPoints(n: number, m: number, seed: number): number[][] {
  const rng = makeRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: m }, () => Math.round(rng.next() * 20) / 20));
}

function bruteFront(points: number[][]): number[] {
  return points.flatMap((p, i) => (points.some((q, j) => j !== i && dominates(q, p)) ? [] : [i]));
}

/** Monte-Carlo-free brute force: volume of the union of boxes on the grid of all coordinates. */
function bruteHv(points: number[][], ref: number[]): number {
  const m = ref.length;
  const coords = Array.from({ length: m }, (_, k) => [...new Set([...points.map((p) => p[k]!), ref[k]!])].sort((a, b) => a - b));
  let volume = 0;
  const idx = new Array<number>(m).fill(0);
  for (;;) {
    const lo = idx.map((i, k) => coords[k]![i]!);
    if (idx.every((i, k) => i < coords[k]!.length - 1)) {
      const covered = points.some((p) => p.every((v, k) => v <= lo[k]!) && p.every((v, k) => v < ref[k]!));
      if (covered) volume += idx.reduce((acc, i, k) => acc * (Math.min(coords[k]![i + 1]!, ref[k]!) - coords[k]![i]!), 1);
    }
    let k = 0;
    while (k < m && ++idx[k]! >= coords[k]!.length - 1) idx[k++] = 0;
    if (k === m) break;
  }
  return volume;
}

describe('Pareto maths', () => {
  it.each([2, 3, 4])('finds the same front as brute force in %i objectives', (m) => {
    for (let seed = 1; seed <= 20; seed++) {
      const pts = randomPoints(40, m, seed);
      expect(paretoFrontIndices(pts)).toEqual(bruteFront(pts));
    }
  });

  it('ranks fronts: rank 0 is the front, each rank is the front of what is left', () => {
    const pts = randomPoints(60, 3, 5);
    const ranks = nonDominatedRanks(pts);
    let remaining = pts.map((_, i) => i);
    for (let r = 0; remaining.length; r++) {
      const front = bruteFront(remaining.map((i) => pts[i]!)).map((j) => remaining[j]!);
      expect(front.every((i) => ranks[i] === r)).toBe(true);
      remaining = remaining.filter((i) => !front.includes(i));
    }
  });

  it('puts feasible points ahead under constrained domination', () => {
    expect(constrainedDominates([5, 5], [0, 0], 0, 0.1)).toBe(true);
    expect(constrainedDominates([0, 0], [5, 5], 0.2, 0.1)).toBe(false);
    expect(nonDominatedRanks([[0, 0], [1, 1], [5, 5]], [0.5, 0, 0])).toEqual([2, 0, 1]);
  });

  it('gives boundary points infinite crowding distance', () => {
    const d = crowdingDistance([[0, 1], [0.5, 0.5], [1, 0], [0.25, 0.75]]);
    expect(d[0]).toBe(Infinity);
    expect(d[2]).toBe(Infinity);
    // (0.5, 0.5): neighbours 0.25 and 1 along x, 0 and 0.75 along y, each range 1
    expect(d[1]).toBeCloseTo(0.75 + 0.75, 9);
  });

  it.each([2, 3, 4, 5])('computes hypervolume exactly in %i objectives (against the grid brute force)', (m) => {
    const ref = new Array(m).fill(1.1);
    for (let seed = 1; seed <= 10; seed++) {
      const pts = randomPoints(m >= 4 ? 12 : 30, m, seed * 7);
      expect(hypervolume(pts, ref)).toBeCloseTo(bruteHv(pts, ref), 9);
    }
  });

  it('knows ZDT1: the true front bounds 120 + 2/3 at reference (11, 11)', () => {
    const front = Array.from({ length: 20001 }, (_, i) => {
      const f1 = i / 20000;
      return [f1, 1 - Math.sqrt(f1)];
    });
    expect(hypervolume(front, [11, 11])).toBeCloseTo(120 + 2 / 3, 3);
  });

  it('ignores points outside the reference box and gives dominated points no contribution', () => {
    expect(hypervolume([[2, 0.5]], [1, 1])).toBe(0);
    const c = hypervolumeContributions([[0.2, 0.8], [0.5, 0.5], [0.6, 0.6], [0.8, 0.2]], [1, 1]);
    expect(c[2]).toBe(0);
    // (0.5, 0.5) alone covers [0.5, 0.8)², less the [0.6, 0.8)² that (0.6, 0.6) still covers without it
    expect(c[1]).toBeCloseTo(0.3 * 0.3 - 0.2 * 0.2, 12);
  });
});

describe('hypervolume history', () => {
  it('equals the hypervolume of everything seen so far, after every trial', async () => {
    const { hypervolumeHistory } = await import('../../../src-main/shared/analysis');
    const rng = makeRng(77);
    const trials = Array.from({ length: 60 }, (_, number) => ({
      id: number,
      number,
      state: (number % 7 === 3 ? 'failed' : 'complete') as 'failed' | 'complete',
      params: {},
      metrics: number % 7 === 3 ? {} : { accuracy: rng.next(), infer_energy_j_per_sample: rng.next() },
      retryOf: null,
      backend: null,
      createdAt: '',
      startedAt: null,
      finishedAt: null,
      failure: null,
    }));
    const objectives = [{ metric: 'accuracy', direction: 'maximize' as const }, { metric: 'infer_energy_j_per_sample', direction: 'minimize' as const }];
    const history = hypervolumeHistory(trials, objectives);
    const complete = trials.filter((t) => t.state === 'complete');
    const acc = complete.map((t) => -t.metrics.accuracy!);
    const en = complete.map((t) => t.metrics.infer_energy_j_per_sample!);
    const norm = (v: number, xs: number[]) => (v - Math.min(...xs)) / (Math.max(...xs) - Math.min(...xs));
    expect(history).toHaveLength(60);
    history.forEach((h, i) => {
      const seen = complete.filter((t) => t.number <= i).map((t) => [norm(-t.metrics.accuracy!, acc), norm(t.metrics.infer_energy_j_per_sample!, en)]);
      // normalised by the reference box (1.1²), so that it is at most 1
      expect(h.value).toBeCloseTo(hypervolume(seen, [1.1, 1.1]) / 1.21, 12);
    });
  });
});

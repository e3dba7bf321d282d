import { describe, expect, it } from 'vitest';
import { ehvi, ehviMonteCarlo, nonDominatedBoxes } from '../../../../src-main/engine/samplers/gp/ehvi';
import { GaussianProcess } from '../../../../src-main/engine/samplers/gp/gp';
import { cholesky } from '../../../../src-main/engine/samplers/gp/linalg';
import { hypervolume } from '../../../../src-main/shared/pareto';
import { makeRng } from '../../../../src-main/shared/rng';

function randomFront(n: number, m: number, seed: number): number[][] {
  const rng = makeRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: m }, () => rng.next()));
}

describe('expected hypervolume improvement', () => {
  it.each([2, 3, 4])('the boxes cover exactly the non-dominated region (%i objectives)', (m) => {
    const ref = new Array<number>(m).fill(1.2);
    const front = randomFront(8, m, m);
    // with a floor at 0, the boxes' volume is the box [0, ref] minus the dominated volume
    const floored = nonDominatedBoxes(front, ref).map((b) => b.upper.map((u, k) => u - Math.max(b.lower[k]!, 0)));
    const volume = floored.reduce((acc, e) => acc + e.reduce((p, x) => p * Math.max(x, 0), 1), 0);
    expect(volume).toBeCloseTo(1.2 ** m - hypervolume(front, ref), 9);
  });

  it.each([2, 3])('matches a large Monte-Carlo estimate (%i objectives)', (m) => {
    const rng = makeRng(11 + m);
    const normals = Array.from({ length: 40000 }, () => Array.from({ length: m }, () => rng.normal()));
    const front = randomFront(6, m, 20 + m);
    const ref = new Array<number>(m).fill(1.1);
    for (const [mu, sd] of [
      [new Array(m).fill(0.4), new Array(m).fill(0.2)],
      [new Array(m).fill(0.9), new Array(m).fill(0.05)],
      [new Array(m).fill(0.1), new Array(m).fill(0.5)],
    ] as number[][][]) {
      const exact = ehvi(nonDominatedBoxes(front, ref), mu!, sd!);
      const mc = ehviMonteCarlo(front, ref, mu!, sd!, normals);
      expect(Math.abs(exact - mc)).toBeLessThan(0.02 * Math.max(mc, 1e-3) + 5e-4);
    }
  });

  it('is the plain hypervolume improvement when there is no uncertainty', () => {
    const front = [[0.2, 0.8], [0.5, 0.5], [0.8, 0.2]];
    const ref = [1, 1];
    const y = [0.4, 0.4];
    expect(ehvi(nonDominatedBoxes(front, ref), y, [0, 0])).toBeCloseTo(hypervolume([...front, y], ref) - hypervolume(front, ref), 12);
  });
});

describe('Gaussian process', () => {
  it('fits a smooth function and predicts held-out points, with honest uncertainty', () => {
    const f = (x: number[]) => Math.sin(6 * x[0]!) + 0.5 * Math.cos(4 * x[1]!);
    const rng = makeRng(3);
    const xs = Array.from({ length: 40 }, () => [rng.next(), rng.next()]);
    const gp = new GaussianProcess(xs, xs.map(f), [false, false]).fit();
    let worst = 0;
    for (let i = 0; i < 50; i++) {
      const x = [rng.next(), rng.next()];
      const p = gp.predict(x);
      worst = Math.max(worst, Math.abs(p.mean - f(x)));
      expect(Math.abs(p.mean - f(x))).toBeLessThan(4 * p.sd + 0.05);
    }
    expect(worst).toBeLessThan(0.25);
    // far less uncertain at a training point than away from the data
    expect(gp.predict(xs[0]!).sd).toBeLessThan(gp.predict([5, 5]).sd);
  });

  it('survives duplicate points without NaN (Cholesky with jitter)', () => {
    const xs = [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.1, 0.9]];
    const gp = new GaussianProcess(xs, [1, 1, 1, 0], [false, false]).fit();
    const p = gp.predict([0.5, 0.5]);
    expect(Number.isFinite(p.mean) && Number.isFinite(p.sd)).toBe(true);
    expect(() => cholesky(Float64Array.from([1, 1, 1, 1]), 2)).not.toThrow();
  });

  it('treats a categorical dimension by equality, not distance', () => {
    const xs = [[0, 0.1], [1, 0.1], [2, 0.1], [0, 0.9], [1, 0.9], [2, 0.9]];
    const y = xs.map((x) => (x[0] === 1 ? 5 : 0) + x[1]!);
    const gp = new GaussianProcess(xs, y, [true, false]).fit();
    expect(gp.predict([1, 0.5]).mean).toBeGreaterThan(gp.predict([2, 0.5]).mean + 2);
  });
});

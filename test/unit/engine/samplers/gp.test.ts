import { describe, expect, it } from 'vitest';
import { BoxDecomposition, ehvi, ehviMonteCarlo, nonDominatedBoxes } from '../../../../src-main/engine/samplers/gp/ehvi';
import { GaussianProcess } from '../../../../src-main/engine/samplers/gp/gp';
import { NoisyEhvi } from '../../../../src-main/engine/samplers/gp/nehvi';
import { cholesky } from '../../../../src-main/engine/samplers/gp/linalg';
import { fitOutputWarp } from '../../../../src-main/engine/samplers/gp/warp';
import { hypervolume } from '../../../../src-main/shared/pareto';
import { makeRng } from '../../../../src-main/shared/rng';

/** The fitting objective's analytic gradient at θ against central finite differences, to `digits`; its value alone as with the gradient. */
function expectFittingGradient(gp: GaussianProcess, theta: number[], digits: number): void {
  const f = (t: number[]) => gp.fittingObjective(t);
  const { g } = f(theta);
  // the value alone (for the warp choice's evidence) is the same number
  expect(gp.fittingObjective(theta, false).f).toBe(f(theta).f);
  theta.forEach((_, k) => {
    const h = 1e-5;
    const up = [...theta];
    const down = [...theta];
    up[k]! += h;
    down[k]! -= h;
    expect(g[k]!).toBeCloseTo((f(up).f - f(down).f) / (2 * h), digits);
  });
}

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

  it.each([2, 3, 4])('the fast decomposition gives the same EHVI as summing its boxes (%i objectives)', (m) => {
    const rng = makeRng(40 + m);
    const front = randomFront(7, m, 30 + m);
    const ref = new Array<number>(m).fill(1.1);
    const fast = new BoxDecomposition(front, ref);
    const boxes = fast.boxes();
    for (let i = 0; i < 20; i++) {
      const mu = Array.from({ length: m }, () => rng.next() * 1.2 - 0.1);
      const sd = Array.from({ length: m }, () => 0.01 + 0.3 * rng.next());
      expect(fast.ehvi(mu, sd)).toBeCloseTo(ehvi(boxes, mu, sd), 12);
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

  it('has the analytic gradient of its fitting objective (checked by finite differences)', () => {
    const rng = makeRng(8);
    const xs = Array.from({ length: 12 }, () => [rng.next(), rng.next(), rng.int(3)]);
    const gp = new GaussianProcess(xs, xs.map((x) => Math.sin(4 * x[0]!) + x[2]!), [false, false, true]);
    expectFittingGradient(gp, [Math.log(0.4), Math.log(0.7), Math.log(1.3), 0.2, Math.log(0.05)], 4);
  });

  it('learns the noise level of a noisy objective instead of interpolating it', () => {
    const rng = makeRng(21);
    const xs = Array.from({ length: 80 }, () => [rng.next(), rng.next()]);
    const truth = (x: number[]) => Math.sin(5 * x[0]!) + x[1]!;
    const gp = new GaussianProcess(xs, xs.map((x) => truth(x) + 0.2 * rng.normal()), [false, false]).fit();
    expect(gp.noiseSd).toBeGreaterThan(0.13);
    expect(gp.noiseSd).toBeLessThan(0.3);
    // and its mean is closer to the truth than the observations are
    let err = 0;
    for (let i = 0; i < 100; i++) {
      const x = [rng.next(), rng.next()];
      err += (gp.predict(x).mean - truth(x)) ** 2;
    }
    expect(Math.sqrt(err / 100)).toBeLessThan(0.15);
  });

  it('treats a categorical dimension by equality, not distance', () => {
    const xs = [[0, 0.1], [1, 0.1], [2, 0.1], [0, 0.9], [1, 0.9], [2, 0.9]];
    const y = xs.map((x) => (x[0] === 1 ? 5 : 0) + x[1]!);
    const gp = new GaussianProcess(xs, y, [true, false]).fit();
    expect(gp.predict([1, 0.5]).mean).toBeGreaterThan(gp.predict([2, 0.5]).mean + 2);
  });
});

describe('noisy expected hypervolume improvement', () => {
  // two objectives trading off along x₀, observed with noise sd 0.1 at 30 points
  const rng = makeRng(3);
  const xs = Array.from({ length: 30 }, (_, i) => [(i % 10) / 10 + 0.05, Math.floor(i / 10) / 3]);
  const ys = xs.map((x) => [x[0]! + 0.5 * x[1]!, 1 - x[0]! + 0.5 * x[1]!].map((v) => v + 0.1 * rng.normal()));
  const gps = [0, 1].map((k) => new GaussianProcess(xs, ys.map((y) => y[k]!), [false, false]).fit());
  const ref = [0, 1].map((k) => (1.8 - gps[k]!.yMean) / gps[k]!.yStd);

  it('gives nothing for evaluating an observed point again, unlike EHVI on the posterior-mean front', () => {
    const noisy = new NoisyEhvi(gps, xs, xs.length, ref, [false, false], makeRng(1), { samples: 16, maxBoxes: 20_000 });
    const plain = new BoxDecomposition(noisy.meanFront, ref);
    for (const x of [xs[4]!, xs[5]!]) {
      const r = noisy.evaluate(x);
      expect(r.ehvi).toBeLessThan(0.05 * plain.ehvi(r.mu, r.sd));
    }
    // between two observed points it still sees the gain
    const r = noisy.evaluate([0.5, 0]);
    expect(r.ehvi).toBeGreaterThan(0.3 * plain.ehvi(r.mu, r.sd));
  });

  it('is plain EHVI on the observed front when the objectives are noiseless', () => {
    const clean = xs.map((x) => [x[0]! + 0.5 * x[1]!, 1 - x[0]! + 0.5 * x[1]!]);
    const exact = [0, 1].map((k) => new GaussianProcess(xs, clean.map((y) => y[k]!), [false, false]).fit());
    const r0 = [0, 1].map((k) => (1.8 - exact[k]!.yMean) / exact[k]!.yStd);
    const noisy = new NoisyEhvi(exact, xs, xs.length, r0, [false, false], makeRng(1), { samples: 16, maxBoxes: 20_000 });
    const front = clean.map((y) => y.map((v, k) => (v - exact[k]!.yMean) / exact[k]!.yStd));
    const x = [0.52, 0.1];
    const r = noisy.evaluate(x);
    expect(r.ehvi).toBeCloseTo(new BoxDecomposition(front, r0).ehvi(r.mu, r.sd), 3);
  });
});

describe('Gaussian process gradients', () => {
  it.each([false, true])('gives the gradient of the posterior mean and variance (checked by finite differences; trend: %s)', (trend) => {
    const rng = makeRng(12);
    const xs = Array.from({ length: 25 }, () => [rng.next(), rng.next(), rng.int(3)]);
    const gp = new GaussianProcess(xs, xs.map((x) => Math.sin(5 * x[0]!) * x[1]! + 0.3 * x[2]! + (x[0]! - 0.3) ** 2), [false, false, true], { trend }).fit();
    const x = [0.37, 0.61, 1];
    const g = gp.predictWithGradient(x);
    expect(g.mean).toBeCloseTo(gp.predictStandardised(x).mean, 12);
    for (const k of [0, 1]) {
      const h = 1e-6;
      const up = [...x];
      up[k]! += h;
      const a = gp.predictStandardised(x);
      const b = gp.predictStandardised(up);
      expect(g.dMean[k]!).toBeCloseTo((b.mean - a.mean) / h, 3);
      expect(g.dVariance[k]!).toBeCloseTo((b.variance - a.variance) / h, 3);
    }
    expect(g.dMean[2]).toBe(0);
  });
  it.each([false, true])('gives the gradient of the covariance with other points (checked by finite differences; trend: %s)', (trend) => {
    const rng = makeRng(13);
    const xs = Array.from({ length: 25 }, () => [rng.next(), rng.next(), rng.int(3)]);
    const gp = new GaussianProcess(xs, xs.map((x) => Math.sin(5 * x[0]!) * x[1]! + 0.3 * x[2]! + (x[0]! - 0.3) ** 2 + 0.1 * rng.normal()), [false, false, true], { trend }).fit();
    const P = [xs[3]!, xs[7]!, [0.5, 0.5, 2], [0.36, 0.6, 1]];
    const { w } = gp.posteriorAt(P);
    const x = [0.37, 0.61, 1];
    const g = gp.predictWithCrossGradient(x, P, w);
    const plain = gp.predictWithCross(x, P, w);
    expect(g.mean).toBeCloseTo(plain.mean, 12);
    expect(g.variance).toBeCloseTo(plain.variance, 12);
    P.forEach((_, b) => expect(g.cross[b]!).toBeCloseTo(plain.cross[b]!, 12));
    for (const k of [0, 1]) {
      const h = 1e-6;
      const up = [...x];
      up[k]! += h;
      const b2 = gp.predictWithCross(up, P, w);
      expect(g.dMean[k]!).toBeCloseTo((b2.mean - plain.mean) / h, 3);
      expect(g.dVariance[k]!).toBeCloseTo((b2.variance - plain.variance) / h, 3);
      P.forEach((_, b) => expect(g.dCross[b * 3 + k]!).toBeCloseTo((b2.cross[b]! - plain.cross[b]!) / h, 3));
    }
    P.forEach((_, b) => expect(g.dCross[b * 3 + 2]).toBe(0));
  });

  it.each([false, true])("gives the noisy EHVI's gradient with trials running (checked by finite differences; trend: %s)", (trend) => {
    const rng = makeRng(5);
    const xs = Array.from({ length: 24 }, () => [rng.next(), rng.next()]);
    const f = (x: readonly number[]) => [x[0]! + 0.4 * (x[1]! - 0.3) ** 2, 1 - Math.sqrt(x[0]!) + 0.4 * x[1]!];
    const ys = xs.map((x) => f(x).map((v) => v + 0.08 * rng.normal()));
    const gps = [0, 1].map((k) => new GaussianProcess(xs, ys.map((y) => y[k]!), [false, false], { trend }).fit());
    const ref = [0, 1].map((k) => (1.6 - gps[k]!.yMean) / gps[k]!.yStd);
    const running = [
      [0.2, 0.3],
      [0.6, 0.25],
    ];
    const noisy = new NoisyEhvi(gps, [...xs, ...running], xs.length, ref, [true, false], makeRng(2), { samples: 8, maxBoxes: 20_000 });
    expect(noisy.certain).toBe(false);
    for (const x of [
      [0.3, 0.2],
      [0.05, 0.5],
      [0.7, 0.1],
    ]) {
      const r = noisy.evaluateWithGradient(x);
      const plain = noisy.evaluate(x);
      expect(r.ehvi).toBeCloseTo(plain.ehvi, 12);
      expect(r.ehvi).toBeGreaterThan(0);
      for (const k of [0, 1]) {
        const h = 1e-6;
        const up = [...x];
        up[k]! += h;
        const down = [...x];
        down[k]! -= h;
        const a = noisy.evaluate(up);
        const b = noisy.evaluate(down);
        // relative to the gradient's size (the EHVI's partials are forward differences)
        const fd = (a.ehvi - b.ehvi) / (2 * h);
        expect(Math.abs(r.dEhvi[k]! - fd)).toBeLessThan(1e-3 * Math.max(Math.abs(fd), 1e-3));
        for (const o of [0, 1]) {
          expect(r.dMu[o]![k]!).toBeCloseTo((a.mu[o]! - b.mu[o]!) / (2 * h), 4);
          expect(r.dSd[o]![k]!).toBeCloseTo((a.sd[o]! - b.sd[o]!) / (2 * h), 4);
        }
      }
    }
  });
});

describe('Gaussian process with a quadratic trend', () => {
  // a bowl in four dimensions (DTLZ2's distance term), seen at 15 points away from the corners
  const bowl = (x: number[]) => x.reduce((a, v) => a + (v - 0.5) ** 2, 0);
  const rng = makeRng(4);
  const xs = Array.from({ length: 15 }, () => Array.from({ length: 4 }, () => 0.1 + 0.8 * rng.next()));
  const ys = xs.map(bowl);
  const corner = [0, 0, 1, 0];

  it('expects an unexplored corner of a bowl to be worse, where the constant mean expects the average', () => {
    const flat = new GaussianProcess(xs, ys, [false, false, false, false]).fit();
    const trend = new GaussianProcess(xs, ys, [false, false, false, false], { trend: true }).fit();
    const truth = bowl(corner); // 1, against at most 0.51 observed
    expect(trend.predict(corner).mean).toBeGreaterThan(0.6 * truth); // 0.77
    expect(flat.predict(corner).mean).toBeLessThan(0.4 * truth); // 0.31
  });

  it("counts the trend's own uncertainty: its variance and covariances agree across the three ways of predicting", () => {
    const gp = new GaussianProcess(xs, ys.map((y, i) => y + 0.05 * Math.sin(7 * i)), [false, false, false, false], { trend: true }).fit();
    const P = [xs[0]!, [0.5, 0.5, 0.5, 0.5], corner];
    const post = gp.posteriorAt(P);
    P.forEach((x, b) => expect(post.cov[b * P.length + b]!).toBeCloseTo(gp.predictStandardised(x).variance, 10));
    const n = gp.size;
    const c = gp.predictWithCross(corner, P.slice(0, 2), post.w.slice(0, 2 * n));
    expect(c.variance).toBeCloseTo(post.cov[2 * 3 + 2]!, 10);
    expect(c.cross[0]!).toBeCloseTo(post.cov[2 * 3 + 0]!, 10);
    expect(c.cross[1]!).toBeCloseTo(post.cov[2 * 3 + 1]!, 10);
    // far from the data the trend's coefficients are what is unknown: more variance there than at the centre
    expect(gp.predictStandardised(corner).variance).toBeGreaterThan(gp.predictStandardised([0.5, 0.5, 0.5, 0.5]).variance);
  });

  it('never bends into a dome: a peak in the data does not make the unexplored corners look good', () => {
    const dome = ys.map((y) => -y);
    const gp = new GaussianProcess(xs, dome, [false, false, false, false], { trend: true }).fit();
    // a dome would extrapolate to −1 at the corner; the trend keeps its quadratic part ≥ 0
    expect(gp.predict(corner).mean).toBeGreaterThan(Math.min(...dome) - 0.15);
  });

  it('has the analytic gradient of its fitting objective with the trend profiled out', () => {
    const gp = new GaussianProcess(xs, ys.map((y, i) => y + 0.3 * xs[i]![0]!), [false, false, false, false], { trend: true });
    expectFittingGradient(gp, [Math.log(0.4), Math.log(0.7), Math.log(1.3), Math.log(0.9), 0.2, Math.log(0.05)], 3);
  });
});

describe('output warping', () => {
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const skew = (a: number[]) => {
    const m = mean(a);
    const sd = Math.sqrt(mean(a.map((v) => (v - m) ** 2)));
    return mean(a.map((v) => ((v - m) / sd) ** 3));
  };

  it('takes the skew out of log-normal values (a few bad trials far above the rest)', () => {
    const rng = makeRng(9);
    const logNormal = Array.from({ length: 60 }, () => Math.exp(1.5 * rng.normal()));
    const w = fitOutputWarp(logNormal);
    const raw = skew(logNormal);
    const warped = Math.abs(skew(logNormal.map((v) => w.forward(v))));
    expect(raw).toBeGreaterThan(2);
    // Yeo-Johnson on y / sd stays near-linear close to 0, so part of a log-normal's skew remains
    expect(warped, `skewness ${raw.toFixed(2)} → ${warped.toFixed(2)}`).toBeLessThan(0.6 * raw);
  });

  it('leaves Gaussian values nearly linear', () => {
    const rng = makeRng(9);
    const gaussian = Array.from({ length: 60 }, () => 3 + rng.normal());
    // values far from 0 leave λ loosely determined, but any λ is then nearly linear over them
    const w = fitOutputWarp(gaussian);
    const warped = gaussian.map((v) => w.forward(v));
    const [ma, mb] = [mean(gaussian), mean(warped)];
    const cov = mean(gaussian.map((v, i) => (v - ma) * (warped[i]! - mb)));
    const r = cov / Math.sqrt(mean(gaussian.map((v) => (v - ma) ** 2)) * mean(warped.map((v) => (v - mb) ** 2)));
    expect(r).toBeGreaterThan(0.99);
  });

  it("gives its derivative's log (a warped likelihood's Jacobian term) on both sides of 0", () => {
    const rng = makeRng(11);
    for (const values of [Array.from({ length: 30 }, () => Math.exp(2 * rng.normal())), Array.from({ length: 30 }, () => -Math.exp(2 * rng.normal()))]) {
      const w = fitOutputWarp(values);
      for (const y of [-20, -3, -0.4, 0.3, 2, 15]) {
        const h = 1e-6 * Math.max(1, Math.abs(y));
        const numeric = Math.log((w.forward(y + h) - w.forward(y - h)) / (2 * h));
        expect(w.logDerivative(y)).toBeCloseTo(numeric, 5);
      }
    }
    expect(fitOutputWarp([1, 2, 3], 'none').logDerivative(5)).toBe(0);
  });

  it('is monotone increasing over and beyond the data, negative values included (dominance is kept)', () => {
    const rng = makeRng(10);
    for (const values of [Array.from({ length: 30 }, () => Math.exp(2 * rng.normal())), Array.from({ length: 30 }, () => -Math.exp(2 * rng.normal()))]) {
      const w = fitOutputWarp(values);
      const grid = Array.from({ length: 400 }, (_, i) => -50 + (100 * i) / 399);
      for (let i = 1; i < grid.length; i++) expect(w.forward(grid[i]!)).toBeGreaterThan(w.forward(grid[i - 1]!));
    }
  });

  it('is the identity when there is nothing to fit (a constant, or fewer than three values)', () => {
    expect(fitOutputWarp([2, 2, 2]).forward(5)).toBe(5);
    expect(fitOutputWarp([1, 100]).forward(7)).toBe(7);
    expect(fitOutputWarp([1, 100, 1000], 'none').forward(7)).toBe(7);
  });
});

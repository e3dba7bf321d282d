import { describe, expect, it } from 'vitest';
import { COLD_FIT_EVERY, TREND_MAX_NOISE_SD, WARP_SELECT_MAX_NOISE_SD, WARP_SWITCH_NATS, fitObjective, fitWarpedObjective, rawLogEvidence } from '../../../../src-main/engine/samplers/gp/objective-fit';
import { fitOutputWarp, type OutputWarp } from '../../../../src-main/engine/samplers/gp/warp';
import { makeRng } from '../../../../src-main/shared/rng';

/** n points of [0,1]²; y a bowl centred off the middle plus Gaussian noise of sd `noise`. */
function data(n: number, noise: number, seed: number): { xs: number[][]; y: number[] } {
  const rng = makeRng(seed);
  const xs = Array.from({ length: n }, () => [rng.next(), rng.next()]);
  const y = xs.map(([a, b]) => (a! - 0.7) ** 2 + (b! - 0.3) ** 2 + noise * rng.normal());
  return { xs, y };
}
const categorical = [false, false];

describe("one objective's GP fit for GP-EHVI", () => {
  it('keeps the quadratic trend where the data are mostly signal, and drops it where they are mostly noise', () => {
    const clean = data(30, 0.005, 1);
    const a = fitObjective(clean.xs, clean.y, categorical, { trend: true, maxFit: 64, finished: 30 });
    expect(a.state.trend).toBe(true);
    expect(Math.sqrt(a.gp.noiseStandardised)).toBeLessThanOrEqual(TREND_MAX_NOISE_SD);

    // the bowl's spread over the square is ~0.1 in sd: noise of 0.3 swamps it
    const noisy = data(30, 0.3, 2);
    const b = fitObjective(noisy.xs, noisy.y, categorical, { trend: true, maxFit: 64, finished: 30 });
    expect(b.state.trend).toBe(false);
    // asked again with the same data it reuses that fit, constant mean included
    const again = fitObjective(noisy.xs, noisy.y, categorical, { trend: true, maxFit: 64, finished: 30, last: b.state });
    expect(again.state).toBe(b.state);
    expect(again.gp.meanStandardised([0.1, 0.9])).toBe(b.gp.meanStandardised([0.1, 0.9]));
  });

  it('keeps a dropped trend dropped until the next fresh fit, which decides again', () => {
    const noisy = data(3 * COLD_FIT_EVERY, 0.3, 2);
    const n = 2 * COLD_FIT_EVERY + 1;
    const dropped = fitObjective(noisy.xs.slice(0, n), noisy.y.slice(0, n), categorical, { trend: true, maxFit: 64, finished: n });
    expect(dropped.state.trend).toBe(false);
    // now data the trend explains (the same points, the bowl without noise)
    const clean = noisy.xs.map(([a, b]) => (a! - 0.7) ** 2 + (b! - 0.3) ** 2);
    const warm = fitObjective(noisy.xs.slice(0, n + 1), clean.slice(0, n + 1), categorical, { trend: true, maxFit: 64, finished: n + 1, last: dropped.state });
    expect(warm.state.trend).toBe(false);
    const m = 3 * COLD_FIT_EVERY;
    const fresh = fitObjective(noisy.xs.slice(0, m), clean.slice(0, m), categorical, { trend: true, maxFit: 64, finished: m, last: warm.state });
    expect(fresh.state.trend).toBe(true);
  });

  it('starts from the last fit, except at every COLD_FIT_EVERY-th finished trial, where the fit depends on the data alone', () => {
    const { xs, y } = data(2 * COLD_FIT_EVERY, 0.02, 3);
    // a last fit far from this data's optimum, as an early basin would be
    const stale = { key: 'other data', trend: true, params: { logLengthscales: [Math.log(3), Math.log(0.03)], logScale: Math.log(0.05), logNoise: Math.log(0.5) } };
    const fresh = fitObjective(xs, y, categorical, { trend: true, maxFit: 64, finished: 2 * COLD_FIT_EVERY });
    const cold = fitObjective(xs, y, categorical, { trend: true, maxFit: 64, finished: 2 * COLD_FIT_EVERY, last: stale });
    expect(cold.state.params).toEqual(fresh.state.params);
    const warm = fitObjective(xs, y, categorical, { trend: true, maxFit: 64, finished: 2 * COLD_FIT_EVERY + 1, last: stale });
    expect(warm.state.params).not.toEqual(fresh.state.params);
  });

  describe('the output warp chosen by the likelihood of the raw values', () => {
    // 24 points of [0,1]³, the first coordinate mostly at its bounds (as a front's ends draw it)
    const rng = makeRng(7);
    const n = 3 * COLD_FIT_EVERY;
    const xs = Array.from({ length: n }, (_, i) => [i % 3 === 0 ? 0 : i % 3 === 1 ? 0.999 : rng.next(), rng.next(), rng.next()]);
    const order = xs.map((_, i) => i);
    const cat = [false, false, false];
    const options = { trend: true, maxFit: 64, finished: n, warp: 'select' as const };

    it('is the same whatever linear scale the values come in (the change of variables is accounted for)', () => {
      const y = xs.map((x) => Math.exp(3 * x[1]!) + x[0]!);
      const identity: OutputWarp = { lambda: 1, forward: (v) => v, logDerivative: () => 0 };
      const scaled: OutputWarp = { lambda: 1, forward: (v) => 7 * v - 3, logDerivative: () => Math.log(7) };
      const evidence = (w: OutputWarp) => rawLogEvidence(fitObjective(xs, y.map(w.forward), cat, { trend: true, maxFit: 64, finished: n }).gp, y, w);
      expect(evidence(scaled)).toBeCloseTo(evidence(identity), 4);
    });

    it('keeps Yeo-Johnson for skewed values and drops it for a linear objective, which the warp would bend', () => {
      const skewed = fitWarpedObjective(xs, xs.map((x) => Math.exp(6 * x[1]!) + x[2]!), order, cat, options);
      expect(skewed.state.chosen).toBe(0);
      expect(skewed.warp.lambda).not.toBe(1);
      // f₁ of ZDT: the first coordinate itself; Yeo-Johnson fitted to its two clusters bends it
      const linear = fitWarpedObjective(xs, xs.map((x) => x[0]!), order, cat, options);
      expect(linear.state.chosen).toBe(1);
      expect(linear.warp.forward(0.3)).toBe(0.3);
    });

    it('switches only on a decisive margin, only for a noiseless objective, and holds the choice until the next fresh fit', () => {
      // the select's Yeo-Johnson candidate for a noiseless objective: λ ≥ 0
      const evidence = (xsIn: number[][], y: number[], mode: 'yeo-johnson' | 'none') => {
        const w = fitOutputWarp(y, mode, 0);
        const gp = fitObjective(xsIn, y.map(w.forward), cat, { trend: true, maxFit: 64, finished: n }).gp;
        return { gain: rawLogEvidence(gp, y, w), noiseSd: Math.sqrt(gp.noiseStandardised) };
      };
      const gain = (xsIn: number[][], y: number[]) => evidence(xsIn, y, 'none').gain - evidence(xsIn, y, 'yeo-johnson').gain;

      // noiseless, a little likelier unwarped: not enough to switch
      const mild = xs.map((x) => Math.exp(1.8 * x[1]!) + x[0]!);
      expect(gain(xs, mild)).toBeGreaterThan(0);
      expect(gain(xs, mild)).toBeLessThan(WARP_SWITCH_NATS);
      expect(fitWarpedObjective(xs, mild, order, cat, options).state.chosen).toBe(0);

      // noisy, decisively likelier unwarped: the noise decides that comparison, not the shape, so no switch
      const r = makeRng(4);
      const noisyXs = Array.from({ length: n }, (_, i) => [i % 3 === 0 ? 0 : i % 3 === 1 ? 0.999 : r.next(), r.next(), r.next()]);
      const noisy = noisyXs.map((x) => x[0]! + 0.1 * r.normal());
      expect(gain(noisyXs, noisy)).toBeGreaterThan(WARP_SWITCH_NATS);
      expect(evidence(noisyXs, noisy, 'yeo-johnson').noiseSd).toBeGreaterThan(WARP_SELECT_MAX_NOISE_SD);
      const kept = fitWarpedObjective(noisyXs, noisy, order, cat, options);
      expect(kept.state.chosen).toBe(0);
      expect(kept.warp.lambda).toBe(fitOutputWarp(noisy, 'yeo-johnson', 0).lambda);
      expect(kept.state.fits[1]).toBeUndefined();

      // the noiseless linear objective: decisively likelier unwarped, so switched; a warm fit refits only the chosen warp
      const y = xs.map((x) => x[0]!);
      const first = fitWarpedObjective(xs, y, order, cat, options);
      expect(first.state.chosen).toBe(1);
      const [yj, none] = first.state.fits;
      expect(first.state.fits[2]).toBeUndefined();
      const warm = fitWarpedObjective(xs.slice(0, n - 1), y.slice(0, n - 1), order.slice(0, n - 1), cat, { ...options, finished: n - 1, last: first.state });
      expect(warm.state.chosen).toBe(1);
      expect(warm.state.fits[0]).toBe(yj);
      expect(warm.state.fits[1]).not.toBe(none);
    });

    it('never bounds the warp (λ ≥ 0), noisy or not, unless asked for plain Yeo-Johnson', () => {
      // Branin-like: a narrow valley in values spanning orders of magnitude; maximum likelihood
      // picks λ < 0, a warp bounded above that flattens everything past the valley into a plateau
      const valley = (x: number[]) => (10 * (x[1]! - x[0]! ** 2)) ** 4 + x[2]! + 0.1;
      const y = xs.map(valley);
      const ml = fitOutputWarp(y);
      expect(ml.lambda).toBeLessThan(0);
      const top = Math.max(...y);
      // what a value ten times the worst seen adds, in units of the range seen
      const rise = (w: OutputWarp) => (w.forward(10 * top) - w.forward(top)) / (w.forward(top) - w.forward(Math.min(...y)));
      expect(rise(ml)).toBeLessThan(0.1);
      const clean = fitWarpedObjective(xs, y, order, cat, options);
      expect(clean.warp.lambda).toBeGreaterThanOrEqual(0);
      expect(clean.warp.lambda).not.toBe(1);
      // the unbounded warp keeps growing where the bounded one has all but stopped
      expect(rise(clean.warp)).toBeGreaterThan(1);

      // with noise of a fifth of the values' sd too (no comparison with the unwarped fit there)
      const r = makeRng(11);
      const sd = Math.sqrt(y.reduce((a, v) => a + v * v, 0) / n - (y.reduce((a, v) => a + v, 0) / n) ** 2);
      const noisy = y.map((v) => v + 0.2 * sd * r.normal());
      expect(fitOutputWarp(noisy).lambda).toBeLessThan(0);
      const kept = fitWarpedObjective(xs, noisy, order, cat, options);
      expect(kept.warp.lambda).toBeGreaterThanOrEqual(0);
      expect(kept.state.fits[1]).toBeUndefined();

      // `warp: 'yeo-johnson'` is the maximum-likelihood λ, as before the choice existed
      expect(fitWarpedObjective(xs, y, order, cat, { ...options, warp: 'yeo-johnson' }).warp.lambda).toBe(ml.lambda);
    });
  });
});

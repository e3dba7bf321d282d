import { describe, expect, it } from 'vitest';
import { COLD_FIT_EVERY, TREND_MAX_NOISE_SD, fitObjective } from '../../../../src-main/engine/samplers/gp/objective-fit';
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
});

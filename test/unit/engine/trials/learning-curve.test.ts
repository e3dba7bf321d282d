import { describe, expect, it } from 'vitest';
import { cleanCurve, curveFromAttrs, extrapolate, poolCurves, type CurvePoint } from '../../../../src-main/engine/trials/learning-curve';
import { makeRng } from '../../../../src-main/shared/rng';

const pow3 = (a: number, b: number, c: number, epochs: number, noise = () => 0): CurvePoint[] =>
  Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, accuracy: Math.min(1, a - b * Math.pow(i + 1, -c) + noise()) }));

describe('learning-curve extrapolation', () => {
  it('recovers a known curve: the pooled shape predicts the last epoch from the first two', () => {
    // a study whose curves share c = 0.8 and differ in a and b
    const pool = poolCurves([pow3(0.95, 0.5, 0.8, 8), pow3(0.9, 0.3, 0.8, 10), pow3(0.97, 0.7, 0.8, 6), pow3(0.85, 0.4, 0.8, 9), pow3(0.92, 0.6, 0.8, 7)])!;
    expect(pool.c).toBeGreaterThan(0.7);
    expect(pool.c).toBeLessThan(0.9);
    const truth = pow3(0.93, 0.55, 0.8, 10);
    const p = extrapolate(truth.slice(0, 2), 10, pool)!;
    expect(Math.abs(p.mean - truth[9]!.accuracy)).toBeLessThan(0.01);
  });

  it('states an interval that covers noisy curves about as often as it says', () => {
    const r = makeRng(7);
    const rng = () => r.next();
    const gauss = () => r.normal();
    const curve = () => {
      const epochs = 3 + Math.floor(rng() * 8);
      return pow3(0.85 + 0.12 * rng(), 0.2 + 0.6 * rng(), 0.4 + 0.8 * rng(), epochs, () => 0.01 * gauss());
    };
    const pool = poolCurves(Array.from({ length: 25 }, curve))!;
    let covered = 0;
    let n = 0;
    for (let i = 0; i < 200; i++) {
      const truth = curve();
      for (const k of [1, 2]) {
        const p = extrapolate(truth.slice(0, k), truth.length, pool)!;
        n++;
        if (truth.at(-1)!.accuracy <= p.mean + 1.64 * p.sd) covered++;
      }
    }
    // one-sided 95% bound: at least 90% of end points below it
    expect(covered / n).toBeGreaterThan(0.9);
  });

  it('ignores non-finite and out-of-range points, in stored curves too', () => {
    expect(cleanCurve([{ epoch: 1, accuracy: 0.5 }, { epoch: 2, accuracy: Number.NaN }, { epoch: 3, accuracy: Infinity }, { epoch: 4, accuracy: 0.7 }])).toEqual([
      { epoch: 1, accuracy: 0.5 },
      { epoch: 4, accuracy: 0.7 },
    ]);
    expect(curveFromAttrs([{ epoch: 1, valAccuracy: 0.4, loss: 1 }, { epoch: 2, valAccuracy: null }, { step: 9, val_accuracy: 0.6 }])).toEqual([
      { epoch: 1, accuracy: 0.4 },
      { epoch: 3, accuracy: 0.6 },
    ]);
    expect(curveFromAttrs('not a curve')).toEqual([]);
    const pool = poolCurves([pow3(0.9, 0.5, 0.8, 6), pow3(0.9, 0.4, 0.8, 6), [...pow3(0.95, 0.6, 0.8, 6), { epoch: 7, accuracy: Number.NaN }]])!;
    expect(Number.isFinite(pool.c) && Number.isFinite(pool.noiseSd)).toBe(true);
    expect(extrapolate([{ epoch: 1, accuracy: Number.NaN }], 6, pool)).toBeNull();
  });

  it('pools nothing from fewer than three curves', () => {
    expect(poolCurves([pow3(0.9, 0.5, 0.8, 6), pow3(0.9, 0.4, 0.8, 6)])).toBeNull();
  });
});

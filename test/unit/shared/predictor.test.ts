import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../src-main/engine/trials/builtin/model';
import { modelCost } from '../../../src-main/shared/model-cost';
import {
  MIN_TRIALS,
  features,
  fitPredictor,
  fitTarget,
  forecastDetails,
  forecastLine,
  forecastTrials,
  predictOne,
  tQuantile,
  type PredictorRow,
  type TrialShape,
} from '../../../src-main/shared/predictor';
import { makeRng } from '../../../src-main/shared/rng';

/** Trials of a made-up machine: energy a power law of the work, times a log-normal noise. */
function rows(n: number, opts: { seed?: number; noise?: number; study?: (i: number) => string; shift?: (study: string) => number } = {}): PredictorRow[] {
  const rng = makeRng(opts.seed ?? 1);
  return Array.from({ length: n }, (_, i) => {
    const units = 8 * 2 ** rng.int(6);
    const shape: TrialShape = {
      family: i % 4 === 3 ? 'cnn' : 'mlp',
      flopsPerInference: 2 * (196 * units + units * 10),
      paramCount: 196 * units + units + units * 10 + 10,
      batchSize: [32, 64, 128][rng.int(3)]!,
      trainSamples: 1000,
      epochs: 1 + rng.int(5),
      inferBatchSize: 256,
    };
    const study = opts.study?.(i) ?? 'a';
    const e = () => Math.exp((opts.noise ?? 0.05) * rng.normal() + (opts.shift?.(study) ?? 0));
    const work = shape.trainSamples * shape.epochs;
    return {
      ...shape,
      study,
      trial: i,
      targets: {
        train_energy_j: 1e-6 * work * shape.flopsPerInference ** 0.6 * (64 / shape.batchSize) ** 0.3 * e(),
        infer_energy_j_per_sample: 3e-9 * shape.flopsPerInference ** 0.8 * e(),
        trial_energy_j: (2e-6 * work * shape.flopsPerInference ** 0.6 + 5) * e(),
        trial_duration_s: (1e-7 * work * shape.flopsPerInference ** 0.6 + 2) * e(),
      },
    };
  });
}

describe('the energy predictor fitted on this machine', () => {
  it('counts parameters and FLOPs of a model that has not been built the way the trainer counts them', () => {
    const cases: [Parameters<typeof modelCost>[0], Record<string, number | string>, number[], number][] = [
      ['mlp', { hidden_layers: 2, units: 40 }, [14, 14, 1], 10],
      ['mlp', { hidden_layers: 0 }, [4], 3],
      ['mlp', { hidden_layers: 1, units: 7 }, [12], 0],
      ['cnn', { conv_layers: 2, filters: 4, kernel_size: 3, pooling: 'max', dense_units: 32 }, [14, 14, 1], 10],
      ['cnn', { conv_layers: 3, filters: 2, kernel_size: 5, pooling: 'none', dense_units: 8 }, [9, 9, 3], 4],
    ];
    for (const [family, params, shape, classes] of cases) {
      const built = buildModel(family, params, shape, classes, 1);
      const cost = modelCost(family, params, shape, classes);
      expect(cost.paramCount).toBe(built.paramCount);
      expect(cost.flopsPerInference).toBe(built.flopsPerInference);
      expect([cost.epochs, cost.batchSize]).toEqual([built.settings.epochs, built.settings.batchSize]);
      built.model.dispose();
    }
  });

  it('gives no number, and says why, below the minimum of trials', () => {
    const p = fitPredictor(rows(MIN_TRIALS - 1));
    expect(p.targets.train_energy_j).toEqual({ ok: false, n: MIN_TRIALS - 1, reason: 'not enough trials measured on this machine yet (7 complete, 8 needed)' });
    const f = forecastTrials(p, rows(3));
    expect(f).toEqual({ ok: false, reason: 'not enough trials measured on this machine yet (7 complete, 8 needed)' });
  });

  it('learns a power law and says how well, from held-out errors', () => {
    const data = rows(30, { noise: 0.05 });
    const r = fitTarget('infer_energy_j_per_sample', data);
    if (!r.ok) throw new Error(r.reason);
    expect(r.fit.looTrial.r2).toBeGreaterThan(0.9);
    expect(r.fit.looTrial.medianRelError).toBeLessThan(0.1);
    // each trial is predicted by a fit without it
    for (const i of [0, 7, 19]) {
      const without = fitTarget('infer_energy_j_per_sample', data.filter((_, j) => j !== i));
      if (!without.ok) throw new Error(without.reason);
      const refit = Math.log(predictOne(without.fit, data[i]!).value);
      const res = Math.log(data[i]!.targets.infer_energy_j_per_sample!) - refit;
      expect(Math.abs(res)).toBeLessThan(0.3);
    }
    const expected = Math.sqrt(
      data.reduce((a, row, i) => {
        const w = fitTarget('infer_energy_j_per_sample', data.filter((_, j) => j !== i));
        if (!w.ok) throw new Error(w.reason);
        return a + (Math.log(predictOne(w.fit, row).value) - Math.log(row.targets.infer_energy_j_per_sample!)) ** 2;
      }, 0) / data.length,
    );
    // the same held-out error as refitting by hand (which also re-chooses the model each time)
    expect(r.fit.looTrial.rmsLogError).toBeCloseTo(expected, 1);
    // one study cannot show how a whole study moves at another time: an allowance stands in, said so
    expect(r.fit.intervalFrom).toBe('leave-one-trial-out');
    expect(r.fit.sessionAllowanceLog).toBe(0.3);
    const f = forecastTrials(fitPredictor(data), data.slice(0, 4));
    if (!f.ok) throw new Error(f.reason);
    expect(forecastDetails(f.forecast).at(-1)).toMatch(/plus an allowance of ±35% for a study run at another time/);
    // one family's worth of constant inputs is dropped, not divided by zero
    expect(fitTarget('train_energy_j', data.map((d) => ({ ...d, family: 'mlp' }))).ok).toBe(true);
    expect(features('train_energy_j', data[0]!)).toHaveLength(5);
  });

  it('states intervals that hold a new study\'s total even when that study runs hotter than the fitted ones', () => {
    // three studies on the machine, each with its own shift (another dataset, a busier machine)
    const shift = (s: string) => ({ a: 0, b: 0.15, c: -0.1, d: 0.12 })[s as 'a'] ?? 0;
    const fitted = rows(36, { seed: 5, noise: 0.1, study: (i) => 'abc'[i % 3]!, shift });
    const p = fitPredictor(fitted);
    const energy = p.targets.trial_energy_j;
    if (!energy.ok) throw new Error(energy.reason);
    expect(energy.fit.intervalFrom).toBe('leave-one-study-out');
    expect(energy.fit.looStudy?.n).toBe(36);
    const planned = rows(12, { seed: 9, noise: 0.1, study: () => 'd', shift });
    const f = forecastTrials(p, planned, 10);
    if (!f.ok) throw new Error(f.reason);
    const actual = planned.reduce((a, r) => a + r.targets.trial_energy_j!, 0);
    expect(Math.abs(actual - f.forecast.energyJ.center)).toBeLessThanOrEqual(f.forecast.energyJ.plusMinus);
    expect(f.forecast.energyJ.low).toBeCloseTo(f.forecast.energyJ.center - f.forecast.energyJ.plusMinus, 6);
    expect(f.forecast.durationS!.low).toBeGreaterThan(10); // the idle baseline is in the time
    expect(forecastLine(f.forecast)).toMatch(/^about \d[\d.]* (J|kJ|MJ) \(±\d[\d.]* (J|kJ|MJ)\) and .* for 12 trials$/);
    expect(forecastDetails(f.forecast).join('\n')).toMatch(/estimated by the predictor fitted on 36 trials of 3 studies measured on this machine, R² = \d\.\d\d, median error \d+% \(leave-one-trial-out\); a forecast, not a measurement/);
  });

  it('extrapolates fixed costs plus work to larger trials than it was fitted on', () => {
    // a runtime with 20 J of fixed cost per trial and 0.2 µJ per FLOP of training work
    const small = rows(16, { seed: 3, noise: 0.03 }).map((r) => ({ ...r, epochs: 1 + (r.trial % 3), targets: { train_energy_j: (20 + 2e-7 * r.trainSamples * (1 + (r.trial % 3)) * r.flopsPerInference) * Math.exp(0.03 * Math.sin(r.trial)) } }));
    const r = fitTarget('train_energy_j', small);
    if (!r.ok) throw new Error(r.reason);
    expect(r.fit.kind).toBe('additive');
    expect(r.fit.features).toContain('per trial');
    const big: TrialShape = { ...small[0]!, epochs: 20 };
    const truth = 20 + 2e-7 * big.trainSamples * 20 * big.flopsPerInference;
    expect(predictOne(r.fit, big).value / truth).toBeGreaterThan(0.85);
    expect(predictOne(r.fit, big).value / truth).toBeLessThan(1.15);
  });

  it('uses the t distribution for few trials', () => {
    expect(tQuantile(0.95, 10)).toBeCloseTo(1.812, 2);
    expect(tQuantile(0.95, 3)).toBeCloseTo(2.353, 1);
    expect(tQuantile(0.95, 1)).toBeCloseTo(6.314, 2);
    expect(tQuantile(0.95, 1000)).toBeCloseTo(1.645, 2);
  });
});

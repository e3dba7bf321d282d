import { describe, expect, it } from 'vitest';
import { describeCorrelation, energyPredictors, ranks } from '../../../src-main/shared/correlation';
import type { Metrics, TrialRecord } from '../../../src-main/shared/types';

function trial(number: number, metrics: Metrics, state: TrialRecord['state'] = 'complete'): TrialRecord {
  return { id: number + 1, number, state, params: {}, metrics, retryOf: null, backend: 'wasm', createdAt: '', startedAt: null, finishedAt: null, failure: null };
}

describe('what predicts energy', () => {
  it('gives Pearson and Spearman with n and a Fisher-z interval, on a worked example', () => {
    // training energy exactly 2 × duration; parameters unrelated (a permutation)
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const params = [7, 3, 11, 1, 9, 5, 12, 2, 8, 4, 10, 6];
    const trials = xs.map((x, i) => trial(i, { train_duration_s: x, train_energy_j: 2 * x, param_count: params[i]! }));
    const p = energyPredictors([...trials, trial(99, { train_duration_s: 100, train_energy_j: 1 }, 'failed')]);
    const byDuration = p.rows.find((r) => r.predictor === 'train_duration_s' && r.target === 'train_energy_j')!;
    expect(byDuration.n).toBe(12); // the failed trial is left out
    expect(byDuration.pearson).toBeCloseTo(1, 12);
    expect(byDuration.spearman).toBeCloseTo(1, 12);
    const byParams = p.rows.find((r) => r.predictor === 'param_count' && r.target === 'train_energy_j')!;
    // r of 1..12 against that permutation, by hand: Σxy = 519, n·x̄·ȳ = 507, so Σ(x−x̄)(y−ȳ) = 12; Σ(x−x̄)² = 143
    expect(byParams.pearson).toBeCloseTo(12 / 143, 12);
    // Fisher z: tanh(atanh(r) ± 1.96/√9)
    const z = Math.atanh(12 / 143);
    expect(byParams.pearsonCi![0]).toBeCloseTo(Math.tanh(z - 1.959964 / 3), 9);
    expect(byParams.pearsonCi![1]).toBeCloseTo(Math.tanh(z + 1.959964 / 3), 9);
    expect(byParams.spearmanCi![1] - byParams.spearmanCi![0]).toBeGreaterThan(byParams.pearsonCi![1] - byParams.pearsonCi![0]);
    expect(p.warning).toBeNull();
    expect(describeCorrelation(byDuration)).toBe('r = 1.00 [1.00, 1.00], ρ = 1.00 [1.00, 1.00], n = 12');
    // a figure no trial has, or too few (walk 44: "r = —, n = 0" read as a fault)
    expect(describeCorrelation({ ...byDuration, n: 0, pearson: null, spearman: null, pearsonCi: null, spearmanCi: null })).toMatch(/^not measured: no complete trial has this figure/);
    expect(describeCorrelation({ ...byDuration, n: 2, pearson: null, spearman: null, pearsonCi: null, spearmanCi: null })).toBe('n = 2: too few trials with this figure to correlate (3 needed)');
  });

  it('shows fewer than 10 trials with a warning, not hidden; no interval below 4, no r for a constant', () => {
    const p = energyPredictors([trial(0, { param_count: 10, infer_energy_j_per_sample: 1 }), trial(1, { param_count: 10, infer_energy_j_per_sample: 2 }), trial(2, { param_count: 10, infer_energy_j_per_sample: 3 })]);
    expect(p.warning).toMatch(/only 3 complete trials/);
    const row = p.rows.find((r) => r.predictor === 'param_count' && r.target === 'infer_energy_j_per_sample')!;
    expect(row.n).toBe(3);
    expect(row.pearson).toBeNull();
    expect(row.pearsonCi).toBeNull();
  });

  it('ranks ties by their average rank', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });
});

import { describe, expect, it } from 'vitest';
import { decide, predict, prunable } from '../../../../src-main/engine/trials/pruning';
import type { ObjectiveSpec } from '../../../../src-main/shared/spec';
import type { TrialRecord } from '../../../../src-main/shared/types';

const objectives: ObjectiveSpec[] = [
  { metric: 'accuracy', direction: 'maximize', unit: 'fraction' },
  { metric: 'infer_energy_j_per_sample', direction: 'minimize', unit: 'J' },
];
const settings = { enabled: true, minTrials: 3, minEpochs: 1, z: 1.64 };

function trial(number: number, accuracy: number, flops: number): TrialRecord {
  // energy per inference proportional to FLOPs: the fit is exact
  return {
    id: number,
    number,
    state: 'complete',
    params: {},
    metrics: { accuracy, flops_per_inference: flops, infer_energy_j_per_sample: flops * 1e-9 },
    retryOf: null,
    backend: 'wasm',
    createdAt: '',
    startedAt: null,
    finishedAt: null,
    failure: null,
  };
}

const finished = [trial(0, 0.95, 1e5), trial(1, 0.9, 1e4), trial(2, 0.8, 1e3), trial(3, 0.97, 1e6)];

describe('multi-objective pruning', () => {
  it('predicts optimistically: the recent gain continued, energy from FLOPs less its error', () => {
    const p = predict({ epoch: 2, epochs: 10, accuracies: [0.5, 0.6], flopsPerInference: 1e5 }, finished, 1.64)!;
    // 0.6 + 0.1 × 8 remaining epochs, capped at 100%
    expect(p.accuracyUpper).toBe(1);
    expect(p.jPerSampleLower).toBeLessThan(1e5 * 1e-9);
    expect(p.jPerSampleLower).toBeGreaterThan(1e5 * 1e-9 * 0.8);
  });

  it('stops a trial whose optimistic end point is dominated by a finished one', () => {
    // as costly as trial 0 and flat at 70%: trial 1 is more accurate for a tenth of the energy
    const d = decide({ epoch: 4, epochs: 6, accuracies: [0.7, 0.7, 0.7, 0.7], flopsPerInference: 1e5 }, finished, objectives, settings);
    expect(d).toMatchObject({ prune: true, reason: expect.stringMatching(/dominated by trial 1$/) });
  });

  it('lets a still-improving or cheaper trial run', () => {
    expect(decide({ epoch: 2, epochs: 10, accuracies: [0.5, 0.7], flopsPerInference: 1e5 }, finished, objectives, settings).prune).toBe(false);
    expect(decide({ epoch: 4, epochs: 6, accuracies: [0.7, 0.7, 0.7, 0.7], flopsPerInference: 1e2 }, finished, objectives, settings).prune).toBe(false);
  });

  it('stops a trial predicted to break an energy limit', () => {
    const limited = [objectives[0]!, { ...objectives[1]!, threshold: 1e-5 }];
    expect(decide({ epoch: 1, epochs: 5, accuracies: [0.9], flopsPerInference: 1e6 }, finished, limited, settings)).toMatchObject({
      prune: true,
      reason: expect.stringMatching(/over the 0.00001 J limit/),
    });
  });

  it('does nothing when off, too early, or for objectives it cannot predict', () => {
    const c = { epoch: 4, epochs: 6, accuracies: [0.7, 0.7, 0.7, 0.7], flopsPerInference: 1e5 };
    expect(decide(c, finished, objectives, { ...settings, enabled: false }).prune).toBe(false);
    expect(decide(c, finished.slice(0, 2), objectives, settings).prune).toBe(false);
    expect(prunable([objectives[0]!, { metric: 'train_energy_j', direction: 'minimize', unit: 'J' }])).toBe(false);
  });
});

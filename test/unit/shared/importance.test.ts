/** "What mattered" (parameter importance, the app's ImportancePanel and the server's view): only parameters that varied. */
import { describe, expect, it } from 'vitest';
import { parameterImportance } from '../../../src-main/shared/analysis';
import type { TrialLike } from '../../../src-main/shared/columns';

const objectives = [
  { metric: 'accuracy', direction: 'maximize' as const },
  { metric: 'infer_energy_j_per_sample', direction: 'minimize' as const },
];

function trial(number: number, units: number, activation: string, accuracy: number, j: number, state: TrialLike['state'] = 'complete'): TrialLike {
  return { number, state, params: { units, activation, batch_size: 32 }, metrics: { accuracy, infer_energy_j_per_sample: j } };
}

describe('parameter importance', () => {
  it('leaves out a parameter fixed in the space, so it gets no zero bar', () => {
    const trials = [trial(0, 8, 'relu', 0.8, 1e-4), trial(1, 16, 'tanh', 0.85, 2e-4), trial(2, 32, 'relu', 0.9, 4e-4), trial(3, 64, 'tanh', 0.92, 8e-4), trial(4, 128, 'relu', 0.93, 1.6e-3)];
    const imp = parameterImportance(trials, objectives);
    for (const metric of ['accuracy', 'infer_energy_j_per_sample']) {
      expect(Object.keys(imp[metric]!).sort()).toEqual(['activation', 'units']);
      expect(Object.values(imp[metric]!).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    }
  });

  it('leaves out a parameter that took one value among the trials used, even if the space lets it vary', () => {
    // the failed trial's other activation is not among the complete trials the importance reads
    const trials = [trial(0, 8, 'relu', 0.8, 1e-4), trial(1, 16, 'relu', 0.85, 2e-4), trial(2, 32, 'relu', 0.9, 4e-4), trial(3, 64, 'relu', 0.92, 8e-4), trial(4, 4, 'tanh', 0, 0, 'failed')];
    expect(Object.keys(parameterImportance(trials, objectives).accuracy!)).toEqual(['units']);
  });
});

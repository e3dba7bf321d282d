import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StudySpecInput } from '../../src-main/shared/spec';

/** A study small enough to run a trial in about a second: iris, tiny MLPs. */
export function quickSpec(overrides: Partial<StudySpecInput> = {}): StudySpecInput {
  return {
    name: 'quick',
    dataset: { builtin: 'iris' },
    model: 'mlp',
    space: {
      units: { type: 'int', low: 4, high: 32, log: true },
      learning_rate: { type: 'float', low: 0.001, high: 0.05, log: true },
      epochs: { type: 'int', low: 2, high: 6 },
    },
    objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
    sampler: 'sobol',
    trials: 4,
    seed: 3,
    trial: { timeoutS: 120, minInferS: 0.2, inferBatchSize: 64 },
    meters: { idleBaselineS: 0 },
    ...overrides,
  };
}

export function writeSpec(dir: string, spec: unknown, name = 'study.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof spec === 'string' ? spec : JSON.stringify(spec, null, 2));
  return path;
}

/** The wizard's search-space presets: quick, standard, thorough; an MLP, or a CNN for images. */
import type { StudySpecInput } from '../shared/spec';

export type Preset = 'quick' | 'standard' | 'thorough';

export function presetSpec(dataset: 'digits' | 'iris', preset: Preset, model: 'mlp' | 'cnn' = 'mlp'): StudySpecInput {
  const trials = { quick: 8, standard: 24, thorough: 64 }[preset];
  const maxEpochs = { quick: 4, standard: 10, thorough: 20 }[preset];
  const maxUnits = { quick: 64, standard: 256, thorough: 512 }[preset];
  const space: StudySpecInput['space'] =
    model === 'cnn'
      ? {
          conv_layers: { type: 'int', low: 1, high: preset === 'quick' ? 2 : 3 },
          filters: { type: 'int', low: 4, high: preset === 'quick' ? 16 : 32, log: true },
          kernel_size: { type: 'categorical', choices: [3, 5] },
          pooling: { type: 'categorical', choices: ['max', 'avg'] },
          dense_units: { type: 'int', low: 16, high: maxUnits, log: true },
          activation: { type: 'categorical', choices: ['relu', 'tanh'] },
          learning_rate: { type: 'float', low: 0.0003, high: 0.03, log: true },
          epochs: { type: 'int', low: 2, high: maxEpochs },
          batch_size: { type: 'categorical', choices: [32, 64, 128] },
        }
      : {
          hidden_layers: { type: 'int', low: 1, high: preset === 'quick' ? 2 : 3 },
          units: { type: 'int', low: 8, high: maxUnits, log: true },
          activation: { type: 'categorical', choices: ['relu', 'tanh'] },
          learning_rate: { type: 'float', low: 0.0003, high: 0.03, log: true },
          epochs: { type: 'int', low: 2, high: maxEpochs },
          batch_size: { type: 'categorical', choices: [32, 64, 128] },
        };
  return {
    name: `${dataset}-${preset}`,
    dataset: dataset === 'digits' ? { builtin: 'digits', maxSamples: preset === 'quick' ? 1500 : preset === 'standard' ? 3000 : 10000 } : { builtin: 'iris' },
    model,
    space,
    objectives: [{ metric: 'accuracy', direction: 'maximize' }, { metric: 'infer_energy_j_per_sample', direction: 'minimize' }],
    sampler: 'auto',
    trials,
    seed: 1,
    trial: { timeoutS: 600, minInferS: preset === 'quick' ? 0.5 : 1, inferBatchSize: 256 },
    meters: { idleBaselineS: preset === 'quick' ? 3 : 10 },
  };
}

/** The wizard's search-space presets: quick, standard, thorough; an MLP, or a CNN for images. */
import type { StudySpecInput } from '../shared/spec';

export type Preset = 'quick' | 'standard' | 'thorough';

/** Training rows of the bundled digits' quick sample (1,500 × 0.7), the examples per epoch the presets' epochs were chosen for. */
const REFERENCE_TRAIN_ROWS = 1000;
const MAX_EPOCHS = 200;

/**
 * The preset for the bundled `dataset`, or for data of the user's own with `rows` rows (images) in
 * all. Epochs are set so that every model sees about as many examples as on the bundled digits'
 * sample (about 1,000 training rows × the preset's epochs): on a small data set a few epochs are a
 * handful of optimiser steps (walk 48: 116 training images, 1–4 steps an epoch at batch 32–128,
 * and models that learnt little above guessing), and an epoch of it costs as little.
 */
export function presetSpec(dataset: 'digits' | 'iris', preset: Preset, model: 'mlp' | 'cnn' = 'mlp', rows?: number): StudySpecInput {
  const trials = { quick: 8, standard: 24, thorough: 64 }[preset];
  const train = Math.max(1, Math.round(0.7 * (rows ?? (dataset === 'iris' ? 150 : Infinity))));
  const scaled = (epochs: number) => Math.min(MAX_EPOCHS, Math.max(epochs, Math.ceil((epochs * REFERENCE_TRAIN_ROWS) / train)));
  const maxEpochs = scaled({ quick: 4, standard: 10, thorough: 20 }[preset]);
  const minEpochs = scaled(2);
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
          epochs: { type: 'int', low: minEpochs, high: maxEpochs },
          batch_size: { type: 'categorical', choices: [32, 64, 128] },
        }
      : {
          hidden_layers: { type: 'int', low: 1, high: preset === 'quick' ? 2 : 3 },
          units: { type: 'int', low: 8, high: maxUnits, log: true },
          activation: { type: 'categorical', choices: ['relu', 'tanh'] },
          learning_rate: { type: 'float', low: 0.0003, high: 0.03, log: true },
          epochs: { type: 'int', low: minEpochs, high: maxEpochs },
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

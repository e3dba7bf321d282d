/**
 * Model families the built-in trainer knows, with the parameters each understands, the values
 * used when a study's space leaves a parameter out, and the values a model can take. Shared so
 * the wizard can offer them and the spec refuses a range before any trial fails on it.
 */
import type { ParamValue } from './types';
export const ACTIVATIONS = ['relu', 'tanh', 'elu', 'sigmoid'] as const;
export const POOLINGS = ['max', 'avg', 'none'] as const;

export interface FamilyParam {
  description: string;
  default: ParamValue;
  /**
   * Inclusive limits of a numeric parameter. Beyond them TensorFlow.js cannot build the model
   * (a layer of 1e12 units is an "Invalid typed array length") or it trains nothing useful on a
   * workstation, and every trial of the study would fail the same way.
   */
  min?: number;
  max?: number;
  /** Whole numbers only (counts and sizes); the trainer would otherwise round them silently. */
  integer?: boolean;
  /** The values of a categorical parameter. */
  choices?: readonly string[];
  /** What the limit protects, for the error message. */
  unit?: string;
}

const shared = {
  activation: { description: 'activation: relu, tanh, elu or sigmoid', default: 'relu', choices: ACTIVATIONS },
  learning_rate: { description: 'Adam learning rate', default: 0.001, min: 1e-6, max: 1 },
  epochs: { description: 'passes over the training set', default: 5, min: 1, max: 1000, integer: true, unit: 'passes' },
  batch_size: { description: 'training batch size', default: 64, min: 1, max: 8192, integer: true, unit: 'samples' },
} as const satisfies Record<string, FamilyParam>;

export const MODEL_FAMILIES = {
  mlp: {
    label: 'Multilayer perceptron (tabular data or small images)',
    params: {
      hidden_layers: { description: 'number of hidden layers', default: 1, min: 0, max: 16, integer: true, unit: 'layers' },
      units: { description: 'units in each hidden layer', default: 64, min: 1, max: 4096, integer: true, unit: 'units in a layer' },
      activation: { ...shared.activation, description: 'hidden activation: relu, tanh, elu or sigmoid' },
      dropout: { description: 'dropout rate after each hidden layer', default: 0, min: 0, max: 0.9 },
      learning_rate: shared.learning_rate,
      epochs: shared.epochs,
      batch_size: shared.batch_size,
    },
  },
  cnn: {
    label: 'Convolutional network (images)',
    params: {
      conv_layers: { description: 'convolution blocks (each: convolution, then pooling)', default: 2, min: 1, max: 6, integer: true, unit: 'blocks' },
      filters: { description: 'filters in the first block (doubling in each next block)', default: 8, min: 1, max: 256, integer: true, unit: 'filters' },
      kernel_size: { description: 'convolution kernel side: 3 or 5', default: 3, min: 1, max: 9, integer: true, unit: 'pixels' },
      pooling: { description: 'after each block: max, avg or none', default: 'max', choices: POOLINGS },
      dense_units: { description: 'units of the dense layer before the output', default: 64, min: 1, max: 4096, integer: true, unit: 'units' },
      activation: shared.activation,
      dropout: { description: 'dropout rate before the output', default: 0, min: 0, max: 0.9 },
      learning_rate: shared.learning_rate,
      epochs: shared.epochs,
      batch_size: shared.batch_size,
    },
  },
} as const satisfies Record<string, { label: string; params: Record<string, FamilyParam> }>;

/** The widest block a CNN may reach (filters × 2^(conv_layers − 1)): its weights must fit in memory. */
export const MAX_CNN_FILTERS = 1024;

export type ModelFamily = keyof typeof MODEL_FAMILIES;
export const MODEL_FAMILY_NAMES = Object.keys(MODEL_FAMILIES) as ModelFamily[];

/**
 * Model families the built-in trainer knows, with the parameters each understands and the
 * values used when a study's space leaves a parameter out. Shared so the wizard can offer them.
 */
import type { ParamValue } from './types';

export interface FamilyParam {
  description: string;
  default: ParamValue;
}

export const MODEL_FAMILIES = {
  mlp: {
    label: 'Multilayer perceptron (tabular data or small images)',
    params: {
      hidden_layers: { description: 'number of hidden layers', default: 1 },
      units: { description: 'units in each hidden layer', default: 64 },
      activation: { description: 'hidden activation: relu, tanh, elu or sigmoid', default: 'relu' },
      dropout: { description: 'dropout rate after each hidden layer', default: 0 },
      learning_rate: { description: 'Adam learning rate', default: 0.001 },
      epochs: { description: 'passes over the training set', default: 5 },
      batch_size: { description: 'training batch size', default: 64 },
    },
  },
  cnn: {
    label: 'Convolutional network (images)',
    params: {
      conv_layers: { description: 'convolution blocks (each: convolution, then pooling)', default: 2 },
      filters: { description: 'filters in the first block (doubling in each next block)', default: 8 },
      kernel_size: { description: 'convolution kernel side: 3 or 5', default: 3 },
      pooling: { description: 'after each block: max, avg or none', default: 'max' },
      dense_units: { description: 'units of the dense layer before the output', default: 64 },
      activation: { description: 'activation: relu, tanh, elu or sigmoid', default: 'relu' },
      dropout: { description: 'dropout rate before the output', default: 0 },
      learning_rate: { description: 'Adam learning rate', default: 0.001 },
      epochs: { description: 'passes over the training set', default: 5 },
      batch_size: { description: 'training batch size', default: 64 },
    },
  },
} as const satisfies Record<string, { label: string; params: Record<string, FamilyParam> }>;

export type ModelFamily = keyof typeof MODEL_FAMILIES;
export const MODEL_FAMILY_NAMES = Object.keys(MODEL_FAMILIES) as ModelFamily[];

export const ACTIVATIONS = ['relu', 'tanh', 'elu', 'sigmoid'] as const;

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
} as const satisfies Record<string, { label: string; params: Record<string, FamilyParam> }>;

export type ModelFamily = keyof typeof MODEL_FAMILIES;
export const MODEL_FAMILY_NAMES = Object.keys(MODEL_FAMILIES) as ModelFamily[];

export const ACTIVATIONS = ['relu', 'tanh', 'elu', 'sigmoid'] as const;

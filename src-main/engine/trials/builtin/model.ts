/** Model families for the built-in trainer, with their cost in parameters and FLOPs. */
import * as tf from '@tensorflow/tfjs';
import { MODEL_FAMILIES, type ModelFamily } from '../../../shared/models';
import type { Params } from '../../../shared/types';

export interface BuiltModel {
  model: tf.LayersModel;
  paramCount: number;
  /** Floating-point operations for one sample's forward pass: 2 × multiply-adds of the layers. */
  flopsPerInference: number;
  settings: { epochs: number; batchSize: number; learningRate: number };
}

/** Parameters of a family with the defaults filled in for those the space leaves out. */
export function withDefaults(family: ModelFamily, params: Params): Params {
  const defaults = Object.fromEntries(Object.entries(MODEL_FAMILIES[family].params).map(([k, v]) => [k, v.default]));
  return { ...defaults, ...params };
}

/** `classes` output classes; 0 builds a regressor. */
export function buildModel(family: ModelFamily, rawParams: Params, inputShape: number[], classes: number): BuiltModel {
  const p = withDefaults(family, rawParams);
  const layers = Math.round(Number(p.hidden_layers));
  const units = Math.round(Number(p.units));
  const dropout = Number(p.dropout);
  const activation = String(p.activation) as 'relu' | 'tanh' | 'elu' | 'sigmoid';
  const inputs = inputShape.reduce((a, b) => a * b, 1);
  const model = tf.sequential();
  if (inputShape.length > 1) model.add(tf.layers.flatten({ inputShape }));
  let width = inputs;
  let macs = 0;
  for (let i = 0; i < layers; i++) {
    model.add(tf.layers.dense({ units, activation, ...(i === 0 && inputShape.length === 1 ? { inputShape } : {}) }));
    macs += width * units;
    width = units;
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  }
  // classes = 0: regression, one linear output trained on mean squared error
  const outputs = classes > 0 ? classes : 1;
  model.add(tf.layers.dense({ units: outputs, activation: classes > 0 ? 'softmax' : 'linear', ...(layers === 0 && inputShape.length === 1 ? { inputShape } : {}) }));
  macs += width * outputs;
  const learningRate = Number(p.learning_rate);
  if (classes > 0) model.compile({ optimizer: tf.train.adam(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  else model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' });
  return {
    model,
    paramCount: model.countParams(),
    flopsPerInference: 2 * macs,
    settings: { epochs: Math.round(Number(p.epochs)), batchSize: Math.round(Number(p.batch_size)), learningRate },
  };
}

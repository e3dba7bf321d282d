/** Model families for the built-in trainer, with their cost in parameters and FLOPs. */
import * as tf from '@tensorflow/tfjs';
import { MODEL_FAMILIES, type ModelFamily } from '../../../shared/models';
import type { Params } from '../../../shared/types';
import { currentTrialSeed, initSeed } from './seed';

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

/**
 * Seeded kernel initialisers, one per weighted layer in order. Same distribution as tfjs's
 * default (Glorot normal; biases start at zero), but each layer's seed comes from the trial's,
 * so the initial weights do not depend on anything else that draws random numbers.
 */
function initialisers(trialSeed: number): () => { kernelInitializer: ReturnType<typeof tf.initializers.glorotNormal> } {
  let index = 0;
  return () => ({ kernelInitializer: tf.initializers.glorotNormal({ seed: initSeed(trialSeed, index++) }) });
}

/**
 * Dropout left unseeded on purpose: tfjs's layer hands its `seed` unchanged to every call, so a
 * seeded layer would drop the same units at every step. Unseeded, each step's mask takes its
 * seed from Math.random, which `seedTraining` has seeded for the trial (see seed.ts).
 */
function dropout(rate: number): tf.layers.Layer {
  return tf.layers.dropout({ rate });
}

/**
 * The output layer: softmax over `classes`, or (classes = 0, regression) one linear unit.
 * Returns its multiply-adds per sample.
 */
function addOutput(model: tf.Sequential, width: number, classes: number, inputShape: number[] | null, init: ReturnType<typeof initialisers>): number {
  const outputs = classes > 0 ? classes : 1;
  model.add(tf.layers.dense({ units: outputs, activation: classes > 0 ? 'softmax' : 'linear', ...init(), ...(inputShape ? { inputShape } : {}) }));
  return width * outputs;
}

/**
 * Compiles with Adam (cross-entropy for classifiers, mean squared error for regressors) and
 * reports the model's size, FLOPs (2 × its multiply-adds) and training settings.
 */
function finish(model: tf.Sequential, p: Params, classes: number, macs: number): BuiltModel {
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

/**
 * `classes` output classes; 0 builds a regressor. `trialSeed` (by default the one
 * `seedTraining` set) fixes the initial weights.
 */
export function buildModel(family: ModelFamily, rawParams: Params, inputShape: number[], classes: number, trialSeed = currentTrialSeed()): BuiltModel {
  const init = initialisers(trialSeed);
  if (family === 'cnn') return buildCnn(rawParams, inputShape, classes, init);
  const p = withDefaults(family, rawParams);
  const layers = Math.round(Number(p.hidden_layers));
  const units = Math.round(Number(p.units));
  const rate = Number(p.dropout);
  const activation = String(p.activation) as 'relu' | 'tanh' | 'elu' | 'sigmoid';
  const inputs = inputShape.reduce((a, b) => a * b, 1);
  const model = tf.sequential();
  if (inputShape.length > 1) model.add(tf.layers.flatten({ inputShape }));
  let width = inputs;
  let macs = 0;
  for (let i = 0; i < layers; i++) {
    model.add(tf.layers.dense({ units, activation, ...init(), ...(i === 0 && inputShape.length === 1 ? { inputShape } : {}) }));
    macs += width * units;
    width = units;
    if (rate > 0) model.add(dropout(rate));
  }
  macs += addOutput(model, width, classes, layers === 0 && inputShape.length === 1 ? inputShape : null, init);
  return finish(model, p, classes, macs);
}

/**
 * Convolution blocks (stride-1 "same" convolutions, filters doubling per block, then 2×2
 * pooling), a dense layer, the output. FLOPs count the convolutions' and dense layers'
 * multiply-adds (pooling and activations are small beside them).
 */
function buildCnn(rawParams: Params, inputShape: number[], classes: number, init: ReturnType<typeof initialisers>): BuiltModel {
  if (inputShape.length !== 3) throw new Error('the cnn family needs images (height × width × channels); use mlp for tables');
  const p = withDefaults('cnn', rawParams);
  const blocks = Math.round(Number(p.conv_layers));
  const filters = Math.round(Number(p.filters));
  const k = Math.round(Number(p.kernel_size));
  const pooling = String(p.pooling);
  const activation = String(p.activation) as 'relu' | 'tanh' | 'elu' | 'sigmoid';
  let [h, w, c] = inputShape as [number, number, number];
  let macs = 0;
  const model = tf.sequential();
  for (let b = 0; b < blocks; b++) {
    const out = filters * 2 ** b;
    model.add(tf.layers.conv2d({ filters: out, kernelSize: k, padding: 'same', strides: 1, activation, ...init(), ...(b === 0 ? { inputShape } : {}) }));
    macs += h * w * k * k * c * out;
    c = out;
    if (pooling !== 'none' && h >= 2 && w >= 2) {
      model.add(pooling === 'avg' ? tf.layers.averagePooling2d({ poolSize: 2 }) : tf.layers.maxPooling2d({ poolSize: 2 }));
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  }
  model.add(tf.layers.flatten());
  const units = Math.round(Number(p.dense_units));
  model.add(tf.layers.dense({ units, activation, ...init() }));
  macs += h * w * c * units;
  if (Number(p.dropout) > 0) model.add(dropout(Number(p.dropout)));
  macs += addOutput(model, units, classes, null, init);
  return finish(model, p, classes, macs);
}

/**
 * Makes one training run a pure function of (spec, study seed, trial number, parameters,
 * backend). TensorFlow.js draws its randomness in two ways (checked in tfjs 4.22's source):
 *
 * - ops and initialisers given a `seed` run their own seeded generator (seedrandom's alea);
 * - everything else calls Math.random: `model.fit`'s shuffle (util.shuffle), and any random op
 *   without a seed, which takes `Math.random()` as its seed. Dropout is one: its layer passes
 *   its `seed` unchanged to every call, so a fixed seed would drop the same units at every
 *   step; left unseeded it takes a fresh seed per step from Math.random.
 *
 * So the trainer, which runs alone in its own thread or process, replaces Math.random with a
 * generator seeded from the trial, and the model gives its initialisers explicit seeds
 * derived from the same trial seed. Nothing here reads a clock.
 */
import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';
import { hashInts, makeRng } from '../../../shared/rng';

/** Separates the streams derived from one trial seed. */
const STREAM = { trial: 0x7e1a1, mathRandom: 0x5eed, init: 0x1417 } as const;

let current: number | null = null;

/** The trial's seed: the same study seed and trial number always give the same one. */
export function trialSeed(studySeed: number, trialNumber: number): number {
  return hashInts(studySeed, trialNumber, STREAM.trial);
}

/**
 * Call once, first thing in the trainer: seeds Math.random (shuffling, dropout masks, any
 * unseeded sampling) for this trial and records the seed that `initSeed` derives from.
 * Returns the trial seed.
 */
export function seedTraining(studySeed: number, trialNumber: number): number {
  current = trialSeed(studySeed, trialNumber);
  const rng = makeRng(hashInts(current, STREAM.mathRandom));
  Math.random = () => rng.next();
  return current;
}

/** The seed set by `seedTraining`; building a model before it is a bug, not a silent reseed. */
export function currentTrialSeed(): number {
  if (current === null) throw new Error('seedTraining must run before the model is built, or training is not reproducible');
  return current;
}

/**
 * A seed for the initialiser of weight `index` (kernel of the index-th weighted layer). Never
 * 0: tfjs's normal and truncated-normal generators treat a 0 seed as "no seed" and fall back
 * to Math.random.
 */
export function initSeed(trial: number, index: number): number {
  return hashInts(trial, STREAM.init, index) || 1;
}

/** SHA-256 (hex) of every weight of the model, in order, with its shape: equal iff the models are. */
export function weightsSha256(model: tf.LayersModel): string {
  const hash = createHash('sha256');
  for (const w of model.getWeights()) {
    hash.update(`${w.dtype}[${w.shape.join(',')}]`);
    const values = w.dataSync();
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}

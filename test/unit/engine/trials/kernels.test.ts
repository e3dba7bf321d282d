import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { registerMissingKernels } from '../../../../src-main/engine/trials/builtin/kernels';

/** The weight gradient of a 2-D convolution on the given backend, for fixed inputs. */
async function filterGradient(backend: string, s: number, pad: 'same' | 'valid', xs: number[][][][], dys: number[][][][]): Promise<number[]> {
  await tf.setBackend(backend);
  await tf.ready();
  registerMissingKernels();
  return tf.tidy(() => {
    const x = tf.tensor4d(xs);
    const dy = tf.tensor4d(dys);
    const g = tf.grad((w) => tf.conv2d(x, w as tf.Tensor4D, s, pad).mul(dy).sum())(tf.ones([3, 3, 2, 4]));
    return Array.from(g.dataSync());
  });
}

describe('Conv2DBackpropFilter for the wasm backend', () => {
  it.each([
    [1, 'valid', 7],
    [1, 'same', 9],
    [2, 'same', 5],
    [2, 'valid', 4],
  ] as const)('matches the cpu backend numerically (stride %i, %s padding)', async (s, pad, out) => {
    await tf.setBackend('cpu');
    const x = tf.tidy(() => tf.randomNormal([3, 9, 9, 2], 0, 1, 'float32', 1).arraySync() as number[][][][]);
    const dy = tf.tidy(() => tf.randomNormal([3, out, out, 4], 0, 1, 'float32', 2).arraySync() as number[][][][]);
    const cpu = await filterGradient('cpu', s, pad, x, dy);
    const wasm = await filterGradient('wasm', s, pad, x, dy);
    expect(wasm).toHaveLength(3 * 3 * 2 * 4);
    for (let i = 0; i < cpu.length; i++) expect(Math.abs(wasm[i]! - cpu[i]!)).toBeLessThan(1e-3 * Math.max(1, Math.abs(cpu[i]!)));
  });

  it('lets a CNN train on wasm', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    registerMissingKernels();
    const m = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })],
    });
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const h = await m.fit(tf.randomNormal([8, 8, 8, 1]), tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1]), { epochs: 2, verbose: 0 });
    expect(Number.isFinite(h.history.loss![1] as number)).toBe(true);
  });
});

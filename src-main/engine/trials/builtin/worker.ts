/**
 * The built-in trainer, in a worker thread so the study's event loop stays free to poll the
 * meters. It announces each phase and waits for the study to open the meter window before
 * doing the work, so every joule of a phase lands in that phase's window.
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ModelFamily } from '../../../shared/models';
import { loadDataset } from '../../data/builtin';
import { splitDataset } from '../../data/split';
import { selectBackend } from './backend';
import { registerMissingKernels } from './kernels';
import { buildModel } from './model';
import type { FromWorker, ToWorker, WorkerInput } from './protocol';
import { seedTraining, weightsSha256 } from './seed';

const port = parentPort!;
const input = workerData as WorkerInput;

function send(msg: FromWorker): void {
  port.postMessage(msg);
}

let waiting: (() => void) | null = null;
port.on('message', (m: ToWorker) => {
  if (m.type === 'go' && waiting) {
    const w = waiting;
    waiting = null;
    w();
  }
});

async function phase<T>(name: 'train' | 'infer' | 'evaluate', work: () => Promise<{ value: T; samples?: number }>): Promise<T> {
  await new Promise<void>((resolve) => {
    waiting = resolve;
    send({ type: 'phase-begin', phase: name });
  });
  const { value, samples } = await work();
  send({ type: 'phase-end', phase: name, ...(samples !== undefined ? { samples } : {}) });
  return value;
}

class NanLossError extends Error {}

async function main(): Promise<void> {
  const { spec, params } = input;
  seedTraining(spec.seed, input.trialNumber);
  const backend = await selectBackend();
  const added = registerMissingKernels();
  send({ type: 'backend', backend: backend.name, notes: [...backend.notes, ...added.map((k) => `added kernel ${k}`)] });

  if (!spec.dataset) throw new Error('the built-in trainer needs a dataset');
  const ds = await loadDataset(spec.dataset);
  const split = splitDataset(ds, { seed: spec.seed, ...(spec.dataset.maxSamples ? { maxSamples: spec.dataset.maxSamples } : {}) });
  const shape = (n: number) => [n, ...split.inputShape];
  const regression = split.task === 'regression';
  const labels = (p: typeof split.train) => (regression ? tf.tensor2d(p.yReal!, [p.n, 1]) : tf.tensor1d(p.y, 'float32'));
  const xTrain = tf.tensor(split.train.x, shape(split.train.n));
  const yTrain = labels(split.train);
  const xVal = tf.tensor(split.validation.x, shape(split.validation.n));
  const yVal = labels(split.validation);
  const xTest = tf.tensor(split.test.x, shape(split.test.n));

  const built = buildModel(spec.model as ModelFamily, params, split.inputShape, regression ? 0 : split.classes.length);
  const { model } = built;
  const curve: { epoch: number; loss: number; valAccuracy: number | null }[] = [];

  const trainStarted = performance.now();
  // short profile: skip warm-up steps, time the next ones up to profileFraction of all steps
  const stepsPerEpoch = Math.ceil(split.train.n / built.settings.batchSize);
  const totalSteps = stepsPerEpoch * built.settings.epochs;
  const profileAt = Math.max(2, Math.round(totalSteps * spec.trial.profileFraction));
  const warmup = Math.min(Math.max(1, Math.round(profileAt * 0.2)), profileAt - 1);
  let step = 0;
  let lastStepAt = performance.now();
  const stepDurations: number[] = [];
  await phase('train', async () => {
    await model.fit(xTrain, yTrain, {
      epochs: built.settings.epochs,
      batchSize: built.settings.batchSize,
      shuffle: true,
      validationData: [xVal, yVal],
      verbose: 0,
      callbacks: {
        onBatchEnd: async () => {
          const now = performance.now();
          step++;
          if (step === warmup) send({ type: 'profile-start' });
          if (step > warmup && step <= profileAt) stepDurations.push((now - lastStepAt) / 1000);
          if (step === profileAt && profileAt < totalSteps) {
            send({ type: 'profile', step, totalSteps, elapsedS: (now - trainStarted) / 1000, stepDurationsS: [...stepDurations], epochOverheadShare: split.validation.n / split.train.n / 3 });
          }
          lastStepAt = now;
        },
        onEpochEnd: async (epoch, logs) => {
          const loss = Number(logs?.loss);
          const valAccuracy = logs?.val_acc ?? logs?.val_accuracy;
          if (!Number.isFinite(loss)) {
            model.stopTraining = true;
            throw new NanLossError(`training loss became ${loss} at epoch ${epoch + 1}; lower the learning rate`);
          }
          const point = { epoch: epoch + 1, loss, valAccuracy: valAccuracy === undefined ? null : Number(valAccuracy) };
          curve.push(point);
          send({ type: 'progress', epochs: built.settings.epochs, flopsPerInference: built.flopsPerInference, ...point });
        },
      },
    });
    return { value: undefined };
  });
  const trainDurationS = (performance.now() - trainStarted) / 1000;

  // Inference benchmark: fixed batch size, one warm-up pass outside the window, then repeated
  // passes over the test set until the window is long enough for the meters to resolve.
  const batchSize = spec.trial.inferBatchSize;
  const predictAll = (): void => {
    tf.tidy(() => {
      const out = model.predict(xTest, { batchSize }) as tf.Tensor;
      out.dataSync();
    });
  };
  predictAll();
  const minS = input.minInferS;
  const repDurationsS: number[] = [];
  const inferSamples = await phase('infer', async () => {
    const t0 = performance.now();
    while ((performance.now() - t0) / 1000 < minS || repDurationsS.length < 3) {
      const t = performance.now();
      predictAll();
      repDurationsS.push((performance.now() - t) / 1000);
      // yield so the worker can be terminated promptly on stop
      if (repDurationsS.length % 8 === 0) await new Promise((r) => setImmediate(r));
    }
    const samples = repDurationsS.length * split.test.n;
    return { value: samples, samples };
  });

  const evaluation = await phase('evaluate', async () => {
    if (regression) {
      const value = tf.tidy(() => {
        const sd = split.targetScale?.sd ?? 1;
        const rmseOf = (x: tf.Tensor, y: Float32Array) => {
          const pred = (model.predict(x, { batchSize }) as tf.Tensor).dataSync();
          let se = 0;
          for (let i = 0; i < y.length; i++) se += (pred[i]! - y[i]!) ** 2;
          return { rmse: Math.sqrt(se / y.length) * sd, mse: se / y.length };
        };
        const val = rmseOf(xVal, split.validation.yReal!);
        const test = rmseOf(xTest, split.test.yReal!);
        return { valAccuracy: NaN, testAccuracy: NaN, valLoss: val.mse, valRmse: val.rmse, testRmse: test.rmse };
      });
      return { value, samples: split.validation.n + split.test.n };
    }
    const value = tf.tidy(() => {
      const valProbs = model.predict(xVal, { batchSize }) as tf.Tensor;
      const valPred = valProbs.argMax(-1).dataSync();
      const testProbs = model.predict(xTest, { batchSize }) as tf.Tensor;
      const testPred = testProbs.argMax(-1).dataSync();
      let valOk = 0;
      for (let i = 0; i < split.validation.n; i++) if (valPred[i] === split.validation.y[i]) valOk++;
      let testOk = 0;
      for (let i = 0; i < split.test.n; i++) if (testPred[i] === split.test.y[i]) testOk++;
      const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(yVal.toInt(), split.classes.length), valProbs.clipByValue(1e-7, 1).log()).dataSync()[0]!;
      return { valAccuracy: valOk / split.validation.n, testAccuracy: testOk / split.test.n, valLoss: loss, valRmse: NaN, testRmse: NaN };
    });
    return { value, samples: split.validation.n + split.test.n };
  });

  const mean = repDurationsS.reduce((a, b) => a + b, 0) / repDurationsS.length;
  const sd = Math.sqrt(repDurationsS.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, repDurationsS.length - 1));
  send({
    type: 'result',
    metrics: {
      ...(regression ? { rmse: evaluation.valRmse } : { accuracy: evaluation.valAccuracy }),
      loss: evaluation.valLoss,
      train_duration_s: trainDurationS,
      infer_latency_s_per_sample: mean / split.test.n,
      param_count: built.paramCount,
      flops_per_inference: built.flopsPerInference,
    },
    attrs: {
      ...(regression ? { test_rmse: evaluation.testRmse, target_scale: split.targetScale } : { test_accuracy: evaluation.testAccuracy }),
      learning_curve: curve,
      infer_batch_size: batchSize,
      infer_repeats: repDurationsS.length,
      infer_samples: inferSamples,
      infer_rep_duration_s: { mean, sd, min: Math.min(...repDurationsS), max: Math.max(...repDurationsS) },
      // at the window's mean power each repeat's energy follows its duration: the same spread
      infer_energy_spread_rel: mean > 0 ? sd / mean : 0,
      infer_min_window_s: minS,
      split: { train: split.train.n, validation: split.validation.n, test: split.test.n, normalisation: split.normalisation },
      settings: built.settings,
      weights_sha256: weightsSha256(model),
    },
  });
}

main().catch((e: unknown) => {
  const kind = e instanceof NanLossError ? 'nan' : 'exception';
  const message = e instanceof Error ? e.message : String(e);
  send({ type: 'error', kind, message, ...(e instanceof Error && e.stack ? { detail: e.stack } : {}) });
});

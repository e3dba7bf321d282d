/**
 * The built-in trainer: a program run as the trial's child process, speaking the same line
 * protocol as a user's command (see trials/process-runner.ts): `{"phase": …}` lines move the
 * meter window, step lines carry the learning curve, `{"ecopt": …}` lines carry what only the
 * built-in trainer knows (backend, profile, result). Before each phase's work it waits for the
 * runner's acknowledgement on stdin, so every joule of a phase lands in that phase's window.
 * When stdin closes (the study process died) it exits: a trial never outlives its study.
 */
import * as tf from '@tensorflow/tfjs';
import { openSync, readFileSync, readSync } from 'node:fs';
import type { ModelFamily } from '../../../shared/models';
import { loadDataset } from '../../data/builtin';
import { splitDataset } from '../../data/split';
import { selectBackend } from './backend';
import { registerMissingKernels } from './kernels';
import { dataFingerprint, loadModel, saveModel } from '../../models/artifact';
import { buildModel } from './model';
import type { FromTrainer, TrainerInput } from './protocol';
import { seedTraining, weightsSha256 } from './seed';
import { PROFILE_MIN_S } from '../projection';
import type { TestClass } from '../../../shared/analysis';

const input = JSON.parse(readFileSync(process.env.ECOPT_TRIAL_INPUT!, 'utf8')) as TrainerInput;

function send(msg: FromTrainer): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

const acks: string[] = [];
let waiting: (() => void) | null = null;
let stdinBuffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  stdinBuffer += chunk;
  const lines = stdinBuffer.split('\n');
  stdinBuffer = lines.pop() ?? '';
  for (const line of lines) if (line.includes('"ack"')) acks.push(line);
  if (acks.length && waiting) {
    acks.shift();
    const w = waiting;
    waiting = null;
    w();
  }
});
process.stdin.on('end', () => process.exit(130));

async function phase<T>(name: 'train' | 'infer' | 'evaluate', work: () => Promise<T>): Promise<T> {
  await new Promise<void>((resolve) => {
    waiting = resolve;
    send({ phase: name });
  });
  return work();
}

/** Closes the open window (acknowledged like a phase): what follows is no phase's work. */
async function pause(): Promise<void> {
  await new Promise<void>((resolve) => {
    waiting = resolve;
    send({ ecopt: 'pause' });
  });
}

class NanLossError extends Error {}

async function main(): Promise<void> {
  const { spec, params } = input;
  seedTraining(spec.seed, input.trialNumber);
  const backend = await selectBackend();
  const added = registerMissingKernels();
  send({ ecopt: 'backend', backend: backend.name, notes: [...backend.notes, ...added.map((k) => `added kernel ${k}`)] });

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

  if (input.remeasure) {
    // a kept model, benchmarked again: the same test set, batch size and window as in its trial
    const { model: kept } = await loadModel(input.remeasure.modelDir);
    const again = await inferenceBenchmark(kept, xTest, split.test.n, spec.trial.inferBatchSize, input.minInferS);
    send({ ecopt: 'result', metrics: { infer_samples: again.samples, infer_latency_s_per_sample: again.latencySPerSample }, attrs: again.attrs });
    return;
  }

  const built = buildModel(spec.model as ModelFamily, params, split.inputShape, regression ? 0 : split.classes.length);
  const { model } = built;
  const curve: { epoch: number; loss: number; valAccuracy: number | null }[] = [];

  let trainStarted = performance.now();
  // Short profile (trials/projection.ts). Epoch 0 is warm-up (compilation, V8's tier-up, the
  // first validation pass). With 3 or more epochs, whole epochs from epoch 1 are profiled: the
  // first step of each next epoch carries the previous one's end (validation, shuffling) and
  // measures it apart. The projection is made at the first such boundary where the profile has
  // lasted PROFILE_MIN_S, or before passing half of the epochs. With 2 epochs, the first half of
  // epoch 1 after its first step (which carries epoch 0's end); with one epoch, or fewer than 4
  // steps an epoch, the steps past warm-up up to profileFraction (at least 8).
  const stepsPerEpoch = Math.ceil(split.train.n / built.settings.batchSize);
  const epochs = built.settings.epochs;
  const totalSteps = stepsPerEpoch * epochs;
  const byEpoch = epochs >= 2 && stepsPerEpoch >= 4;
  // without whole epochs to profile, at least 8 steps, the first quarter of them warm-up: a
  // training of fewer than 10 steps is over before a profile says anything, and is not projected
  const byFraction = Math.max(8, Math.round(totalSteps * spec.trial.profileFraction));
  const halfEpoch = Math.min(totalSteps - 1, stepsPerEpoch + 1 + Math.max(3, Math.ceil(stepsPerEpoch / 2)));
  const warmup = byEpoch ? stepsPerEpoch + 1 : Math.max(2, Math.round(byFraction * 0.25));
  /** The first step of an epoch past epoch 1: it carries the previous epoch's end. */
  const isBoundary = (s: number) => byEpoch && epochs >= 3 && s > stepsPerEpoch + 1 && (s - 1) % stepsPerEpoch === 0;
  /** Whether the profile ends at step s (which is done). */
  const profileEnds = (s: number, profiledS: number) => {
    if (s >= totalSteps - 1) return false;
    if (!byEpoch) return s === byFraction;
    if (epochs === 2) return s === halfEpoch;
    if (!isBoundary(s)) return false;
    const epochsDone = (s - 1) / stepsPerEpoch;
    return profiledS >= PROFILE_MIN_S || epochsDone + 1 > Math.max(2, Math.floor(epochs / 2));
  };
  const cpuS = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1e6;
  };
  const mainCpuS = mainThreadCpu();
  let step = 0;
  let lastStepAt = performance.now();
  let lastCpu = cpuS();
  let lastMain = 0;
  let trainCpu0 = lastCpu;
  let profiling = false;
  let profiledS = 0;
  const boundaries: { s: number; cpuS: number }[] = [];
  const stepDurations: number[] = [];
  const stepCpu: number[] = [];
  const stepMain: number[] = [];
  await phase('train', async () => {
    // timed from the moment the window is open, like the energy
    trainStarted = performance.now();
    lastStepAt = trainStarted;
    trainCpu0 = lastCpu = cpuS();
    await model.fit(xTrain, yTrain, {
      epochs: built.settings.epochs,
      batchSize: built.settings.batchSize,
      shuffle: true,
      validationData: [xVal, yVal],
      verbose: 0,
      callbacks: {
        onBatchEnd: async () => {
          const now = performance.now();
          const cpu = cpuS();
          step++;
          if (step === warmup) {
            profiling = true;
            send({ ecopt: 'profile-start' });
            // with 2 epochs, the only boundary before the projection: epoch 0's end
            if (byEpoch && epochs === 2) boundaries.push({ s: (now - lastStepAt) / 1000, cpuS: cpu - lastCpu });
          }
          const main = mainCpuS && profiling ? mainCpuS() : null;
          if (profiling && step > warmup) {
            const s = (now - lastStepAt) / 1000;
            profiledS += s;
            if (isBoundary(step)) boundaries.push({ s, cpuS: cpu - lastCpu });
            else {
              stepDurations.push(s);
              stepCpu.push(cpu - lastCpu);
              if (main !== null) stepMain.push(main - lastMain);
            }
          }
          if (main !== null) lastMain = main;
          if (profiling && step > warmup && profileEnds(step, profiledS) && stepDurations.length > 0) {
            profiling = false;
            const stepMean = meanSd(stepDurations).mean;
            const cpuMean = meanSd(stepCpu).mean;
            send({
              ecopt: 'profile',
              step,
              totalSteps,
              stepsPerEpoch,
              elapsedS: (now - trainStarted) / 1000,
              elapsedCpuS: cpu - trainCpu0,
              stepDurationsS: [...stepDurations],
              stepCpuS: [...stepCpu],
              ...(stepMain.length === stepCpu.length ? { stepMainCpuS: [...stepMain] } : {}),
              ...(boundaries.length ? { epochEndS: meanSd(boundaries.map((b) => b.s)).mean - stepMean, epochEndCpuS: meanSd(boundaries.map((b) => b.cpuS)).mean - cpuMean } : {}),
              epochOverheadShare: split.validation.n / split.train.n / 3,
            });
          }
          lastStepAt = now;
          lastCpu = cpu;
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
          send({
            step,
            epoch: point.epoch,
            epochs: built.settings.epochs,
            loss,
            ...(point.valAccuracy === null ? {} : { val_accuracy: point.valAccuracy }),
            flops_per_inference: built.flopsPerInference,
            param_count: built.paramCount,
          });
        },
      },
    });
  });
  const trainDurationS = (performance.now() - trainStarted) / 1000;

  const batchSize = spec.trial.inferBatchSize;
  const bench = await inferenceBenchmark(model, xTest, split.test.n, batchSize, input.minInferS);
  const inferSamples = bench.samples;

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
      return value;
    }
    let testClasses: TestClass[] = [];
    const value = tf.tidy(() => {
      const valProbs = model.predict(xVal, { batchSize }) as tf.Tensor;
      const valPred = valProbs.argMax(-1).dataSync();
      const testProbs = model.predict(xTest, { batchSize }) as tf.Tensor;
      const testPred = testProbs.argMax(-1).dataSync();
      testClasses = perClass(split.classes, split.test.y, testPred, split.test.n);
      let valOk = 0;
      for (let i = 0; i < split.validation.n; i++) if (valPred[i] === split.validation.y[i]) valOk++;
      let testOk = 0;
      for (let i = 0; i < split.test.n; i++) if (testPred[i] === split.test.y[i]) testOk++;
      const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(yVal.toInt(), split.classes.length), valProbs.clipByValue(1e-7, 1).log()).dataSync()[0]!;
      return { valAccuracy: valOk / split.validation.n, testAccuracy: testOk / split.test.n, valLoss: loss, valRmse: NaN, testRmse: NaN };
    });
    return { ...value, testClasses };
  });

  // the model is kept after every window is closed: saving it is not the trial's measured work
  const dataSha256 = dataFingerprint(ds.x, ds.y, ds.yReal);
  const kept = input.artifactDir
    ? {
        dir: input.artifactDir,
        bytes: await saveModel(model, input.artifactDir, {
          task: split.task,
          classes: split.classes,
          inputShape: split.inputShape,
          encoding: split.encoding ?? ds.encoding ?? null,
          featureScale: split.featureScale ?? null,
          targetScale: split.targetScale ?? null,
          dataSha256,
          heldOut: ds.source ? { file: ds.source.file, lines: split.testRows.map((i) => ds.source!.lines[i]!) } : null,
          // a folder's held-out images, handed back by export as samples/ (walk 48: the test figure could not be re-checked)
          ...(ds.imageSource ? { heldOutImages: { folder: ds.imageSource.folder, files: split.testRows.map((i) => ds.imageSource!.files[i]!) } } : {}),
          ...(ds.encoding?.kind === 'image' ? { pixelMean: meanOf(ds.x) } : {}),
        }),
      }
    : null;
  send({
    ecopt: 'result',
    metrics: {
      infer_samples: inferSamples,
      ...(regression ? { rmse: evaluation.valRmse } : { accuracy: evaluation.valAccuracy }),
      loss: evaluation.valLoss,
      train_duration_s: trainDurationS,
      infer_latency_s_per_sample: bench.latencySPerSample,
      param_count: built.paramCount,
      flops_per_inference: built.flopsPerInference,
    },
    attrs: {
      ...(regression
        ? { test_rmse: evaluation.testRmse, target_scale: split.targetScale }
        : // what always answering the training part's most frequent class scores (walk 48: 52% on 3 classes, with no word of what guessing gets);
          // each class's share right on the test part (walk 49: the scratches missed were the ones that mattered)
          { test_accuracy: evaluation.testAccuracy, guess_accuracy: guessAccuracy(split), ...('testClasses' in evaluation ? { test_classes: evaluation.testClasses } : {}) }),
      learning_curve: curve,
      ...bench.attrs,
      split: { train: split.train.n, validation: split.validation.n, test: split.test.n, normalisation: split.normalisation },
      settings: built.settings,
      weights_sha256: weightsSha256(model),
      data_sha256: dataSha256,
      // what loading did to the data (cells filled, columns left out, rows dropped, files skipped): the report states it
      data_notes: (ds as { notes?: string[] }).notes ?? [],
      ...(kept ? { model_bytes: kept.bytes } : {}),
    },
  });
}

/**
 * Each class's test examples, how many the model got right, and the class it most often took
 * them for (null where it got them all, or the class has none), in the classes' order.
 */
function perClass(classes: readonly string[], truth: ArrayLike<number>, predicted: ArrayLike<number>, n: number): TestClass[] {
  const out = classes.map((c) => ({ class: c, n: 0, correct: 0, wrong: new Map<number, number>() }));
  for (let i = 0; i < n; i++) {
    const row = out[truth[i]!];
    if (!row) continue;
    row.n++;
    if (predicted[i] === truth[i]) row.correct++;
    else row.wrong.set(predicted[i]!, (row.wrong.get(predicted[i]!) ?? 0) + 1);
  }
  return out.map((r) => {
    const top = [...r.wrong].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
    return { class: r.class, n: r.n, correct: r.correct, mistakenFor: top ? { class: classes[top[0]] ?? String(top[0]), n: top[1] } : null };
  });
}

/** The accuracy of always answering the training part's most frequent class, on the validation and test parts. */
function guessAccuracy(split: { train: { y: ArrayLike<number>; n: number }; validation: { y: ArrayLike<number>; n: number }; test: { y: ArrayLike<number>; n: number } }): { validation: number; test: number } {
  const counts = new Map<number, number>();
  for (let i = 0; i < split.train.n; i++) counts.set(split.train.y[i]!, (counts.get(split.train.y[i]!) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
  const share = (p: { y: ArrayLike<number>; n: number }) => {
    let hit = 0;
    for (let i = 0; i < p.n; i++) if (p.y[i] === top) hit++;
    return p.n ? hit / p.n : 0;
  };
  return { validation: share(split.validation), test: share(split.test) };
}

/**
 * The main thread's CPU seconds so far (Linux: /proc/self/task/<pid>/schedstat, nanoseconds),
 * or null where it cannot be read. The rest of the process's CPU time is V8's helper threads
 * (garbage collection, compilation), which the projection counts apart.
 */
function mainThreadCpu(): (() => number) | null {
  const buf = Buffer.alloc(128);
  try {
    // kept open and read from its start each time (5 µs a read here, against 20 µs for a readFileSync)
    const fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
    const read = () => Number(buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0)).split(' ')[0]) / 1e9;
    return Number.isFinite(read()) ? read : null;
  } catch {
    return null;
  }
}

/**
 * How far the window's mean CPU time per repeat could move on another run: the repeats in
 * `blocks` consecutive blocks, the spread of the block means, as the relative standard error of
 * their mean. One repeat is too short to time well, and a block's mean already averages out
 * timer resolution; what is left is the machine's noise (collector pauses, other programs).
 */
function blockSpread(xs: number[], blocks = 5): number | null {
  if (xs.length < blocks) return null;
  const size = Math.floor(xs.length / blocks);
  const means = Array.from({ length: blocks }, (_, b) => xs.slice(b * size, (b + 1) * size).reduce((a, x) => a + x, 0) / size);
  const { mean, sd } = meanSd(means);
  return mean > 0 ? sd / mean / Math.sqrt(blocks) : null;
}

/**
 * The inference benchmark: fixed batch size, warm-up passes outside the window, then repeated
 * passes over the test set inside the `infer` window until it lasts at least `minS` — for a
 * freshly trained model and for a kept one being re-measured alike.
 */
async function inferenceBenchmark(model: tf.LayersModel, xTest: tf.Tensor, nTest: number, batchSize: number, minS: number) {
  const predictAll = (): void => {
    tf.tidy(() => {
      const out = model.predict(xTest, { batchSize }) as tf.Tensor;
      out.dataSync();
    });
  };
  // warm-up outside every window (not training's, not inference's): the first passes compile
  // and tier up the kernels
  await pause();
  for (let i = 0, t0 = performance.now(); i < 10 || performance.now() - t0 < 50; i++) predictAll();
  const repDurationsS: number[] = [];
  const repCpuS: number[] = [];
  const samples = await phase('infer', async () => {
    const t0 = performance.now();
    while ((performance.now() - t0) / 1000 < minS || repDurationsS.length < 3) {
      const t = performance.now();
      const c = process.cpuUsage();
      predictAll();
      const dc = process.cpuUsage(c);
      repDurationsS.push((performance.now() - t) / 1000);
      repCpuS.push((dc.user + dc.system) / 1e6);
    }
    return repDurationsS.length * nTest;
  });
  const { mean, sd } = meanSd(repDurationsS);
  const cpu = meanSd(repCpuS);
  return {
    samples,
    latencySPerSample: mean / nTest,
    attrs: {
      infer_batch_size: batchSize,
      infer_repeats: repDurationsS.length,
      infer_samples: samples,
      infer_rep_duration_s: { mean, sd, min: Math.min(...repDurationsS), max: Math.max(...repDurationsS) },
      infer_rep_cpu_s: { mean: cpu.mean, sd: cpu.sd, min: Math.min(...repCpuS), max: Math.max(...repCpuS) },
      // The trial's energy follows its CPU time (meters/attribution.ts), which, unlike duration,
      // other programs do not stretch: its spread is the inference figure's.
      infer_energy_spread_rel: blockSpread(repCpuS) ?? (mean > 0 ? sd / mean : 0),
      infer_min_window_s: minS,
    },
  };
}

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1)) };
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    const kind = e instanceof NanLossError ? 'nan' : 'exception';
    const message = e instanceof Error ? e.message : String(e);
    send({ ecopt: 'error', kind, message, ...(e instanceof Error && e.stack ? { detail: e.stack } : {}) });
    process.exit(1);
  },
);

/** The mean of the values (the images' mean pixel, which predict compares new images with). */
function meanOf(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += v;
  return x.length ? sum / x.length : 0;
}

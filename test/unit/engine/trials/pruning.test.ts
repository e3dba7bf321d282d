import { describe, expect, it } from 'vitest';
import { decide, dominatedChance, predict, prunable, pruningContext } from '../../../../src-main/engine/trials/pruning';
import { parseStudySpec } from '../../../../src-main/shared/spec';
import type { ObjectiveSpec } from '../../../../src-main/shared/spec';
import type { TrialRecord } from '../../../../src-main/shared/types';

const objectives: ObjectiveSpec[] = [
  { metric: 'accuracy', direction: 'maximize', unit: 'fraction' },
  { metric: 'infer_energy_j_per_sample', direction: 'minimize', unit: 'J' },
];
const settings = { enabled: true, minTrials: 3, minEpochs: 1, z: 1.64 };

function trial(number: number, accuracy: number, flops: number): TrialRecord {
  // energy per inference proportional to FLOPs: the fit is exact
  return {
    id: number,
    number,
    state: 'complete',
    params: {},
    metrics: { accuracy, flops_per_inference: flops, infer_energy_j_per_sample: flops * 1e-9 },
    retryOf: null,
    backend: 'wasm',
    createdAt: '',
    startedAt: null,
    finishedAt: null,
    failure: null,
  };
}

const finished = [trial(0, 0.95, 1e5), trial(1, 0.9, 1e4), trial(2, 0.8, 1e3), trial(3, 0.97, 1e6)];

describe('multi-objective pruning', () => {
  it('predicts optimistically: the recent gain continued, energy from FLOPs less its error', () => {
    const p = predict({ epoch: 2, epochs: 10, accuracies: [0.5, 0.6], flopsPerInference: 1e5 }, finished, 1.64)!;
    // 0.6 + 0.1 × 8 remaining epochs, capped at 100%
    expect(p.accuracyUpper).toBe(1);
    expect(p.jPerSampleLower).toBeLessThan(1e5 * 1e-9);
    expect(p.jPerSampleLower).toBeGreaterThan(1e5 * 1e-9 * 0.8);
  });

  it('stops a trial whose optimistic end point is dominated by a finished one', () => {
    // as costly as trial 0 and flat at 70%: trial 1 is more accurate for a tenth of the energy
    const d = decide({ epoch: 4, epochs: 6, accuracies: [0.7, 0.7, 0.7, 0.7], flopsPerInference: 1e5 }, finished, objectives, settings);
    expect(d).toMatchObject({ prune: true, reason: expect.stringMatching(/dominated by trial 1$/) });
  });

  it('lets a still-improving or cheaper trial run', () => {
    expect(decide({ epoch: 2, epochs: 10, accuracies: [0.5, 0.7], flopsPerInference: 1e5 }, finished, objectives, settings).prune).toBe(false);
    expect(decide({ epoch: 4, epochs: 6, accuracies: [0.7, 0.7, 0.7, 0.7], flopsPerInference: 1e2 }, finished, objectives, settings).prune).toBe(false);
  });

  it('stops a trial predicted to break an energy limit', () => {
    const limited = [objectives[0]!, { ...objectives[1]!, threshold: 1e-5 }];
    expect(decide({ epoch: 1, epochs: 5, accuracies: [0.9], flopsPerInference: 1e6 }, finished, limited, settings)).toMatchObject({
      prune: true,
      reason: expect.stringMatching(/over the 0.00001 J limit/),
    });
  });

  it('does nothing when off, too early, or for objectives it cannot predict', () => {
    const c = { epoch: 4, epochs: 6, accuracies: [0.7, 0.7, 0.7, 0.7], flopsPerInference: 1e5 };
    expect(decide(c, finished, objectives, { ...settings, enabled: false }).prune).toBe(false);
    expect(decide(c, finished.slice(0, 2), objectives, settings).prune).toBe(false);
    expect(prunable([objectives[0]!, { metric: 'train_energy_j', direction: 'minimize', unit: 'J' }])).toBe(false);
  });

  it('integrates the end point\'s uncertainty over the front\'s staircase', () => {
    const front = [trial(2, 0.8, 1e3), trial(1, 0.9, 1e4), trial(3, 0.97, 1e6)];
    const at = (accuracyMean: number, accuracySd: number, jPerSample: number, jPerSampleSdLog: number) =>
      dominatedChance({ accuracyMean, accuracySd, jPerSample, jPerSampleSdLog, accuracyUpper: 1, jPerSampleLower: 0, energyFrom: '' }, front);
    // far behind and costlier than the middle point: surely dominated
    expect(at(0.5, 0.05, 1e-4, 0.1)).toBeGreaterThan(0.999);
    // cheaper than anything on the front: never dominated, however poor
    expect(at(0.1, 0.01, 1e-8, 0.1)).toBeLessThan(0.001);
    // as good as the middle point and as costly: a coin toss on each axis
    const even = at(0.9, 0.02, 1e-5, 0.2);
    expect(even).toBeGreaterThan(0.2);
    expect(even).toBeLessThan(0.8);
    // an accuracy known exactly (the last epoch) below the cheapest point's
    expect(at(0.75, 0, 1e-5, 0.2)).toBeGreaterThan(0.999);
  });

  describe('with the study\'s curves', () => {
    // finished trials: pow3 curves, FLOPs from 1e3 to 1e6, energy ∝ FLOPs
    const pow3 = (a: number, b: number, epochs: number) => Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, loss: 1, valAccuracy: a - b * Math.pow(i + 1, -0.8) }));
    const shapes: [number, number, number, number][] = [
      // a, b, epochs, FLOPs
      [0.95, 0.5, 8, 1e3],
      [0.97, 0.4, 6, 1e4],
      [0.9, 0.6, 10, 3e4],
      [0.98, 0.3, 7, 1e5],
      [0.85, 0.5, 5, 3e5],
      [0.93, 0.7, 9, 1e6],
      [0.96, 0.45, 8, 3e3],
      [0.92, 0.55, 6, 3e5],
    ];
    const records = shapes.map(([a, b, epochs, flops], i) => {
      const t = trial(i, a - b * Math.pow(epochs, -0.8), flops);
      t.metrics.param_count = flops / 2;
      return t;
    });
    const attrs = new Map(
      shapes.map(([a, b, epochs], i) => [i, { learning_curve: pow3(a, b, epochs), settings: { batchSize: 32, epochs }, split: { train: 1000 } }]),
    );
    const parsed = parseStudySpec({
      name: 'p',
      dataset: { builtin: 'digits' },
      model: 'mlp',
      space: { units: { type: 'int', low: 8, high: 256 } },
      objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
      trials: 30,
      pruning: { enabled: true },
    });
    if (!parsed.ok) throw new Error('spec');
    const spec = parsed.spec;

    it('reads the curves and fits the energy predictor once enough trials have finished', async () => {
      const ctx = (await pruningContext({ getTrialAttrs: (id) => attrs.get(id)! }, records, spec))!;
      expect(ctx.curves.size).toBe(8);
      expect(ctx.inferFit).not.toBeNull();
      const p = predict({ epoch: 1, epochs: 8, accuracies: [0.5], flopsPerInference: 1e5, paramCount: 5e4 }, records, 1.64, ctx)!;
      expect(p.energyFrom).toMatch(/predictor fitted on 8 trials/);
      expect(p.jPerSampleLower).toBeLessThan(1e5 * 1e-9);
      expect(p.jPerSampleLower).toBeGreaterThan(1e5 * 1e-9 * 0.5);
      // fewer trials than the predictor needs: the FLOPs fit
      const few = (await pruningContext({ getTrialAttrs: (id) => attrs.get(id)! }, records.slice(0, 5), spec))!;
      expect(few.inferFit).toBeNull();
      expect(predict({ epoch: 1, epochs: 8, accuracies: [0.5], flopsPerInference: 1e5, paramCount: 5e4 }, records.slice(0, 5), 1.64, few)!.energyFrom).toMatch(/FLOPs/);
      // pruning off: nothing read
      expect(await pruningContext({ getTrialAttrs: () => { throw new Error('read'); } }, records, { ...spec, pruning: { ...spec.pruning, enabled: false } })).toBeUndefined();
    });

    it('stops a clearly dominated trial after its first epoch and lets a promising one run', async () => {
      const ctx = await pruningContext({ getTrialAttrs: (id) => attrs.get(id)! }, records, spec);
      // costly and far behind at epoch 1: trial 1 is better for a hundredth of the energy
      const bad = decide({ epoch: 1, epochs: 8, accuracies: [0.2], flopsPerInference: 1e6, paramCount: 5e5 }, records, objectives, settings, ctx);
      expect(bad).toMatchObject({ prune: true, reason: expect.stringMatching(/after 8 epochs.*dominated by trial/) });
      // as costly but off to a start like the best curves': it may still beat them
      expect(decide({ epoch: 1, epochs: 8, accuracies: [0.7], flopsPerInference: 1e6, paramCount: 5e5 }, records, objectives, settings, ctx).prune).toBe(false);
      // the cheapest yet: nothing finished can dominate it, however poor
      expect(decide({ epoch: 1, epochs: 8, accuracies: [0.2], flopsPerInference: 1e2, paramCount: 50 }, records, objectives, settings, ctx).prune).toBe(false);
      // a non-finite epoch is skipped, not read as 0%
      expect(decide({ epoch: 2, epochs: 8, accuracies: [0.7, Number.NaN], flopsPerInference: 1e6, paramCount: 5e5 }, records, objectives, settings, ctx).prune).toBe(false);
    });

    it('stops a dominated trial after its last epoch, before its inference benchmark', async () => {
      const ctx = await pruningContext({ getTrialAttrs: (id) => attrs.get(id)! }, records, spec);
      const d = decide({ epoch: 6, epochs: 6, accuracies: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9], flopsPerInference: 1e6, paramCount: 5e5 }, records, objectives, settings, ctx);
      expect(d).toMatchObject({ prune: true, reason: expect.stringMatching(/90.0% accuracy after its last epoch/) });
      expect(decide({ epoch: 6, epochs: 6, accuracies: [0.5, 0.6, 0.7, 0.8, 0.9, 0.99], flopsPerInference: 1e6, paramCount: 5e5 }, records, objectives, settings, ctx).prune).toBe(false);
    });
  });
});

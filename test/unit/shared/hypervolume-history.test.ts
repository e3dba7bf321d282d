/**
 * The explorer's hypervolume curve is a share of the reference box: never above 1, whatever the
 * study (it used to reach 1.1^m when one trial beat every other on every objective).
 */
import { describe, expect, it } from 'vitest';
import { hypervolumeHistory, hypervolumeSteps } from '../../../src-main/shared/analysis';
import { makeRng } from '../../../src-main/shared/rng';
import type { TrialRecord, TrialState } from '../../../src-main/shared/types';

const objectives = [
  { metric: 'accuracy', direction: 'maximize' as const },
  { metric: 'infer_energy_j_per_sample', direction: 'minimize' as const },
];

function trial(number: number, accuracy: number | null, energyJ: number, state: TrialState = 'complete'): TrialRecord {
  return {
    id: number + 1,
    number,
    state,
    params: { units: number },
    metrics: accuracy === null ? {} : { accuracy, infer_energy_j_per_sample: energyJ },
    retryOf: null,
    backend: null,
    createdAt: '',
    startedAt: '',
    finishedAt: '',
    failure: null,
  };
}

describe('normalised hypervolume history', () => {
  it('is 1 when the best trial beats every other on every objective, never more', () => {
    // trial 1 is more accurate and cheaper than trial 0: it alone fills the whole box
    const h = hypervolumeHistory([trial(0, 0.8, 2e-3), trial(1, 0.9, 1e-3)], objectives);
    expect(h.map((x) => x.trial)).toEqual([0, 1]);
    expect(h[1]!.value).toBeCloseTo(1, 12);
    expect(h[0]!.value).toBeLessThan(h[1]!.value);
  });

  it('stays in [0, 1] and never decreases, for random studies of 2 and 3 objectives, with limits and failures', () => {
    const rng = makeRng(12);
    const three = [...objectives, { metric: 'train_energy_j', direction: 'minimize' as const, threshold: 0.8 }];
    for (const objs of [objectives, three]) {
      for (let rep = 0; rep < 20; rep++) {
        const trials = Array.from({ length: 30 }, (_, i) => {
          const t = trial(i, rng.next() < 0.1 ? null : rng.next(), rng.next(), rng.next() < 0.1 ? 'failed' : 'complete');
          if (t.metrics.accuracy !== undefined) t.metrics.train_energy_j = rng.next();
          return t;
        });
        const h = hypervolumeHistory(trials, objs);
        for (let i = 0; i < h.length; i++) {
          expect(h[i]!.value).toBeGreaterThanOrEqual(0);
          expect(h[i]!.value).toBeLessThanOrEqual(1);
          if (i > 0) expect(h[i]!.value).toBeGreaterThanOrEqual(h[i - 1]!.value);
        }
      }
    }
  });

  it('steps keep the first and last entries and every change, nothing else', () => {
    const h = [0, 0.2, 0.2, 0.2, 0.5, 0.5, 0.9, 0.9].map((value, trial) => ({ trial, value }));
    expect(hypervolumeSteps(h)).toEqual([
      { trial: 0, value: 0 },
      { trial: 1, value: 0.2 },
      { trial: 4, value: 0.5 },
      { trial: 6, value: 0.9 },
      { trial: 7, value: 0.9 },
    ]);
    expect(hypervolumeSteps([])).toEqual([]);
  });
});

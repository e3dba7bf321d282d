import { describe, expect, it } from 'vitest';
import type { StudyRow } from '../../../../src-main/engine/store/store';
import { missingObjective } from '../../../../src-main/engine/study/study';

const study = (...metrics: string[]) => ({ objectives: metrics.map((metric) => ({ metric, direction: 'minimize', unit: '' })) }) as unknown as StudyRow;

// Issue 11, Why 2: a command trial that never reports an objective's metric used to be stored complete with "—".
describe('a trial missing a metric an objective needs', () => {
  it('names the metric and how a command reports it: a value, the inference phase, its predictions, the training phase', () => {
    expect(missingObjective({ accuracy: 0.9 }, study('accuracy', 'loss'), [{ phase: 'train' }])).toEqual({
      metric: 'loss',
      noPhase: false,
      message: 'objective loss was not reported: print it in the metrics line, e.g. {"loss": 0.93}',
    });
    expect(missingObjective({ accuracy: 0.9 }, study('accuracy', 'infer_energy_j_per_sample'), [{ phase: 'train' }])).toMatchObject({
      metric: 'infer_energy_j_per_sample',
      noPhase: true,
      message: expect.stringMatching(/needs an inference phase: print \{"phase": "infer"\} before running predictions and report "infer_samples"/),
    });
    expect(missingObjective({ accuracy: 0.9 }, study('infer_samples_per_j'), [{ phase: 'train' }, { phase: 'infer' }])).toMatchObject({
      noPhase: false,
      message: expect.stringMatching(/needs the number of predictions made in the inference phase: report it as "infer_samples"/),
    });
    // predictions made, but none of the trial's own energy to divide them by: not "report infer_samples"
    expect(missingObjective({ accuracy: 0.9, infer_energy_j_per_sample: 0 }, study('infer_samples_per_j'), [{ phase: 'infer', samples: 500 }])).toMatchObject({
      noPhase: false,
      message: expect.stringMatching(/own inference energy was 0 J .*500 predictions per 0 J is not a number\. Make the inference phase longer/),
    });
    expect(missingObjective({ accuracy: 0.9 }, study('train_energy_j'), [{ phase: 'infer', samples: 10 }])).toMatchObject({ noPhase: true, message: expect.stringMatching(/needs a training phase: print \{"phase": "train"\}/) });
  });

  it('lets a trial with every objective finite through, and treats NaN as missing', () => {
    expect(missingObjective({ accuracy: 0.9, train_energy_j: 12 }, study('accuracy', 'train_energy_j'), [{ phase: 'train' }])).toBeNull();
    expect(missingObjective({ accuracy: NaN }, study('accuracy'), [{ phase: 'train' }])?.metric).toBe('accuracy');
    // what it printed under another name is said (walk 50: "acc", kept as reported_acc); names ECOpt reads beside its metrics are not
    expect(missingObjective({}, study('accuracy'), [{ phase: 'train' }], ['learning_curve', 'reported_acc', 'reported_test_accuracy', 'reported_artifact'])?.message).toBe(
      'objective accuracy was not reported (its metrics line had "acc", which is not one of ECOpt\'s metric names: if "acc" is the accuracy, print it as "accuracy"): print it in the metrics line, e.g. {"accuracy": 0.93}',
    );
    expect(missingObjective({}, study('accuracy'), [{ phase: 'train' }], ['reported_test_accuracy'])?.message).toBe('objective accuracy was not reported: print it in the metrics line, e.g. {"accuracy": 0.93}');
  });
});

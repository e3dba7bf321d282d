/** The trial detail's words: a warning once with the phases it touched, the hardware class by its label. */
import { describe, expect, it } from 'vitest';
import { cpuShareText, curvePoints, hardwareClassText, mergeFlags, spreadText, windowLabel } from '../../../src-renderer/src/trial-detail';
import { intensityText } from '../../../src-renderer/src/format';

describe('the trial detail', () => {
  const baseline = { kind: 'net-meaningless', message: 'the idle baseline was taken while other programs kept the CPU 38% busy' };

  it('shows a warning that every phase carries once, listing the phases', () => {
    const merged = mergeFlags([
      { phase: 'train', flags: [baseline] },
      { phase: 'infer', flags: [baseline, { kind: 'noisy', message: 'spread 30%' }] },
      { phase: 'evaluate', flags: [baseline] },
    ]);
    expect(merged).toEqual([
      { ...baseline, phases: ['train', 'infer', 'evaluate'] },
      { kind: 'noisy', message: 'spread 30%', phases: ['infer'] },
    ]);
    // a re-measured infer window adds no second "infer"
    expect(mergeFlags([{ phase: 'infer', flags: [baseline] }, { phase: 'infer', flags: [baseline] }])).toEqual([{ ...baseline, phases: ['infer'] }]);
    expect(mergeFlags([{ phase: 'train', flags: [] }])).toEqual([]);
  });

  it('names the hardware class by its label, keeping the id after it', () => {
    expect(hardwareClassText('eb6f0ade', 'AMD EPYC · estimate')).toEqual({ text: 'hardware class AMD EPYC · estimate (eb6f0ade)', id: 'eb6f0ade' });
    expect(hardwareClassText('eb6f0ade', undefined).text).toBe('hardware class eb6f0ade');
    expect(hardwareClassText('eb6f0ade', 'inventory not recorded').text).toBe('hardware class eb6f0ade');
  });

  it('writes a grid intensity as the reports do: the figure used, gCO2e/kWh', () => {
    expect(intensityText(56.039)).toBe('56.039 gCO2e/kWh');
    expect(intensityText(380.95 * 1.1)).toBe('419.045 gCO2e/kWh');
    expect(intensityText(475)).toBe('475 gCO2e/kWh');
  });

  it("draws a command's learning curve as printed: accuracy from its step lines, by epoch or step", () => {
    // a new user's PyTorch script printed {"step", "epoch", "epochs", "accuracy", "loss"}: the
    // chart listed validation accuracy and drew none (it read only the built-in trainer's valAccuracy)
    const printed = [
      { step: 1, epoch: 1, epochs: 2, accuracy: 0.61, loss: 0.9 },
      { step: 2, epoch: 2, epochs: 2, accuracy: 0.74, loss: 0.6 },
    ];
    expect(curvePoints(printed)).toEqual({ by: 'epoch', points: [{ x: 1, loss: 0.9, accuracy: 0.61 }, { x: 2, loss: 0.6, accuracy: 0.74 }] });
    expect(curvePoints([{ epoch: 1, loss: 1.2, valAccuracy: 0.5 }]).points).toEqual([{ x: 1, loss: 1.2, accuracy: 0.5 }]);
    expect(curvePoints([{ step: 3, metric: 0.9 }])).toEqual({ by: 'step', points: [{ x: 3, loss: 0.9, accuracy: null }] });
    // a percentage is not drawn on the percent axis as 7400%
    expect(curvePoints([{ epoch: 1, accuracy: 74 }]).points[0]!.accuracy).toBeNull();
    expect(curvePoints(undefined).points).toEqual([]);
  });
});

describe('the spread beside a trial’s energy figures', () => {
  it('says which ± is the sources’ uncertainty and which only the spread between inference repeats', () => {
    expect(spreadText({ infer_energy_j_per_sample: 0.14, train_energy_j: 0.6 })).toBe(
      "; training ±60% (its sources' uncertainty); inference repeats spread ±14% per prediction, on top of its sources' uncertainty (per domain below)",
    );
    expect(spreadText(undefined)).toBe('');
  });
  it("says how busy the machine was during a phase and how much of that was the trial's (walk 39)", () => {
    // 2 cores for 10 s: the machine busy 12.4 CPU-s (62%), the trial's processes 11.7 of them (94%)
    expect(cpuShareText({ phase: 'train', durationS: 10, cpu: { treeS: 11.7, machineBusyS: 12.4, cores: 2 } })).toBe(
      "train: the machine's CPUs were 62% busy (12.4 of 20.0 CPU-seconds: 2 cores × 10.0 s); the trial's processes used 11.7 CPU-seconds, 94% of the busy time",
    );
    // the tree's clock can run a tick ahead of the machine's: never more than all of the busy time
    expect(cpuShareText({ phase: 'infer', durationS: 1.5, cpu: { treeS: 1.52, machineBusyS: 1.5, cores: 4 } })).toContain('1.52 CPU-seconds, 100% of the busy time');
    expect(cpuShareText({ phase: 'train', durationS: 2, cpu: { treeS: null, machineBusyS: 1, cores: 2 } })).toContain("the trial's own CPU time could not be read, so its figures are the whole machine's");
    expect(cpuShareText({ phase: 'train', durationS: 2, cpu: null })).toBeNull();
    expect(cpuShareText({ phase: 'evaluate', durationS: 0, cpu: { treeS: 0, machineBusyS: 0, cores: 2 } })).toBeNull();
    // a window of a few 10 ms ticks says nothing of the load (walk 44: "0% busy (0.00 of 0.00 CPU-seconds)" beside 134 mJ)
    expect(cpuShareText({ phase: 'evaluate', durationS: 0.0042, cpu: { treeS: 0, machineBusyS: 0, cores: 2 } })).toBe('evaluate: 4 ms, too short to read how busy the machine was (CPU time is read in 10 ms ticks)');
    // busy time a tick over the capacity reads as all of it (walk 44: "2.00 of 1.99 CPU-seconds")
    expect(cpuShareText({ phase: 'infer', durationS: 0.995, cpu: { treeS: 0.97, machineBusyS: 2.0, cores: 2 } })).toBe(
      "infer: the machine's CPUs were 100% busy (1.99 of 1.99 CPU-seconds: 2 cores × 0.99 s); the trial's processes used 0.97 CPU-seconds, 49% of the busy time",
    );
    // a re-measured inference window is named as the table names it
    const windows = [{ phase: 'train' }, { phase: 'infer' }, { phase: 'evaluate' }, { phase: 'infer' }, { phase: 'infer' }];
    expect(windows.map((_, i) => windowLabel(windows, i))).toEqual(['train', 'infer', 'evaluate', 'infer (re-measured, 1)', 'infer (re-measured, 2)']);
  });
});

/** The wizard's checks in the screen's words: empty is an error, limits in range, study-file paths put back into labels. */
import { describe, expect, it } from 'vitest';
import { presetSpec } from '../../../src-main/api/presets';
import { parseStudySpec } from '../../../src-main/shared/spec';
import { durationLine, estimateMinutes, fieldIssue, formatMinutes, freeName, labelSpecIssue, placeholders, presetText, splitCommand } from '../../../src-renderer/src/wizard-rules';

describe('the wizard\'s boxes', () => {
  it('treats an empty box as an error unless it is optional, never as 0', () => {
    expect(fieldIssue('Number of models to try', '', { integer: true, min: 1 })).toEqual({ label: 'Number of models to try', message: 'enter a whole number' });
    expect(fieldIssue('Stop after at most', ' ', { above: 0, unit: 'minutes', optional: true })).toBeNull();
    expect(fieldIssue('units, From', 'abc', { integer: true })?.message).toBe('“abc” is not a number; enter a whole number');
    expect(fieldIssue('units, From', '2.5', { integer: true })?.message).toBe('2.5 is not a whole number; enter a whole number');
  });

  it('checks limits as typed: energy above 0, accuracy from 0 to 100%', () => {
    expect(fieldIssue('Energy per prediction at most', '-5', { above: 0, unit: 'mJ', optional: true })?.message).toBe('must be above 0 mJ, got -5 mJ');
    expect(fieldIssue('Energy per prediction at most', '0', { above: 0, unit: 'mJ', optional: true })?.message).toBe('must be above 0 mJ, got 0 mJ');
    expect(fieldIssue('Energy per prediction at most', '0.5', { above: 0, unit: 'mJ', optional: true })).toBeNull();
    expect(fieldIssue('Accuracy at least', '150', { min: 0, max: 100, unit: '%', optional: true })?.message).toBe('must be from 0 to 100%, got 150%');
    expect(fieldIssue('Accuracy at least', '-3', { min: 0, max: 100, unit: '%', optional: true })?.message).toBe('must be from 0 to 100%, got -3%');
    expect(fieldIssue('Number of models to try', '0', { integer: true, min: 1 })?.message).toBe('must be 1 or more, got 0');
  });

  it('names study-file problems by the labels on the screen, never by JSON paths', () => {
    expect(labelSpecIssue({ path: 'timeBudgetS', message: 'must be at least 0' })).toMatchObject({ label: 'Stop after at most', step: 2 });
    expect(labelSpecIssue({ path: 'space.units.high', message: '5000 is out of range: model "mlp" takes units from 1 to 4096; lower high to 4096' })).toEqual({
      label: 'units, To',
      message: '5000 is out of range: model "mlp" takes units from 1 to 4096; lower To to 4096',
      step: 1,
    });
    expect(labelSpecIssue({ path: 'space.lr', message: 'low (0.1) must be below high (0.01); swap them' }).message).toBe('From (0.1) must be below To (0.01); swap them');
    expect(labelSpecIssue({ path: 'name', message: 'x' }).label).toBe('Study name');
  });

  it('splits a command line like a shell, without one, and finds its {parameters}', () => {
    expect(splitCommand(`python3 "my train.py" --lr {lr} --tag ''`)).toEqual({ ok: true, argv: ['python3', 'my train.py', '--lr', '{lr}', '--tag', ''] });
    expect(splitCommand('python3 "train.py')).toMatchObject({ ok: false });
    expect(placeholders(['--lr={lr}', '{params_file}', '{LR}', '{lr}'])).toEqual({ names: ['lr'], bad: ['LR'] });
  });

  it('suggests the first free name', () => {
    expect(freeName('iris-quick', ['iris-quick'])).toBe('iris-quick-2');
    expect(freeName('iris-quick-2', ['iris-quick', 'iris-quick-2'])).toBe('iris-quick-3');
  });

  it('words each preset with the estimate the wizard shows for it', () => {
    for (const p of ['quick', 'standard', 'thorough'] as const) {
      const spec = presetSpec('digits', p);
      expect(parseStudySpec(spec).ok).toBe(true);
      expect(presetText(spec, 10000)).toContain(formatMinutes(estimateMinutes(spec, 10000)!));
    }
    expect(presetText(presetSpec('iris', 'quick'), null, true)).toBe('8 runs of your script');
    // a preset that trains on a sample of the set says how much of it
    expect(presetText(presetSpec('digits', 'quick'), 10000)).toContain(' on 1,500 of the 10,000 examples (a sample, for speed)');
    expect(presetText(presetSpec('digits', 'thorough'), 10000)).not.toContain('sample');
    expect(parseStudySpec(presetSpec('digits', 'standard', 'cnn')).ok).toBe(true);
  });

  it("gives a small data set as many examples per model as the digits' sample: more epochs, each as cheap (walk 48)", () => {
    const epochs = (spec: ReturnType<typeof presetSpec>) => spec.space!.epochs as { low: number; high: number };
    // the bundled digits' sample: the presets' epochs as chosen
    expect(epochs(presetSpec('digits', 'quick'))).toMatchObject({ low: 2, high: 4 });
    // 160 images of one's own (112 to train): 18–36 epochs, about 2,000–4,000 examples a model, as on the digits
    expect(epochs(presetSpec('digits', 'quick', 'cnn', 160))).toMatchObject({ low: 18, high: 36 });
    expect(epochs(presetSpec('iris', 'quick'))).toMatchObject({ low: 20, high: 39 });
    // a large set of one's own keeps the preset's epochs; a tiny one stops at 200
    expect(epochs(presetSpec('iris', 'standard', 'mlp', 50_000))).toMatchObject({ low: 2, high: 10 });
    expect(epochs(presetSpec('iris', 'thorough', 'mlp', 12))).toMatchObject({ low: 200, high: 200 });
    // and the wizard's estimate stays what the preset's words say
    const own = presetSpec('digits', 'quick', 'cnn', 160);
    expect(presetText(own, 160)).toContain('of up to 36 epochs');
  });

  it("prices a CNN by its images' size (walk 49: 28 × 28 photos, 'under a minute' for a run of 1 min 50 s)", () => {
    const own = { ...presetSpec('digits', 'quick', 'cnn', 160), dataset: { images: 'photos', size: 28, channels: 1 as const } };
    // 8 models of 18–36 epochs over 160 images of 784 values: about 1 min 48 s at 1500 / 12.25^0.55 sample-epochs a second
    expect(estimateMinutes(own, 160)! * 60).toBeGreaterThan(90);
    const digits = presetSpec('digits', 'quick', 'cnn', 160);
    expect(estimateMinutes(digits, 160)! * 60).toBeLessThan(60);
    // colour, 64 × 64: slower again
    expect(estimateMinutes({ ...own, dataset: { images: 'photos', size: 64, channels: 3 as const } }, 160)!).toBeGreaterThan(3 * estimateMinutes(own, 160)!);
  });
  it("gives one duration: the forecast from this machine's trials where there is one, else the rule of thumb, said to be one (walk 42)", () => {
    const est = (center: number, low: number, high: number) => ({ center, low, high, plusMinus: (high - low) / 2 });
    const forecast = { trials: 24, energyJ: est(1310, 490, 2130), trainEnergyJ: null, durationS: est(282, 120, 444), inferJPerSample: null, provenance: 'fitted on 16 trials', notes: [] };
    expect(durationLine(24, 1.3, { ok: true, line: '', details: [], forecast })).toBe('Estimated duration: 4.7 minutes (90% interval 2.0 minutes to 7.4 minutes), forecast from the trials measured on this machine.');
    expect(durationLine(24, 1.3, { ok: false, reason: 'not enough trials measured on this machine' })).toBe('Estimated duration: about 1 min, by a rule of thumb (no forecast from trials measured on this machine yet).');
    expect(durationLine(24, 1.3, null)).toBe('Estimated duration: about 1 min, by a rule of thumb.');
    expect(durationLine(5, null, null)).toBe('Duration: 5 runs of your script, each as long as it takes.');
  });
});

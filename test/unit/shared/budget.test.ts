import { describe, expect, it } from 'vitest';
import { parseBudget } from '../../../src-main/shared/budget';

describe('a budget in words', () => {
  it.each([
    ['at most 2 mJ per prediction', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.002 }], 'read as: energy per prediction ≤ 2 mJ'],
    ['2 mJ', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.002 }], 'read as: energy per prediction ≤ 2 mJ'],
    ['under 0.5 J per 1000 predictions', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.0005 }], 'read as: energy per prediction ≤ 500 µJ (500 mJ per 1,000 predictions)'],
    ['at least 95% accuracy', [{ metric: 'accuracy', bound: 'min', value: 0.95 }], 'read as: accuracy ≥ 95%'],
    ['accuracy at least 95%', [{ metric: 'accuracy', bound: 'min', value: 0.95 }], 'read as: accuracy ≥ 95%'],
    ['≥ 0.9 accuracy and ≤ 1 mJ', [{ metric: 'accuracy', bound: 'min', value: 0.9 }, { metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.001 }], 'read as: accuracy ≥ 90% and energy per prediction ≤ 1 mJ'],
    ['at most 1 Wh per million predictions', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.0036 }], 'read as: energy per prediction ≤ 3.6 mJ (3.6 kJ per 1,000,000 predictions)'],
    ['below 300 µJ', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.0003 }], 'read as: energy per prediction ≤ 300 µJ'],
    ['training under 50 J', [{ metric: 'train_energy_j', bound: 'max', value: 50 }], 'read as: training energy ≤ 50 J'],
    ['under 50 J for training', [{ metric: 'train_energy_j', bound: 'max', value: 50 }], 'read as: training energy ≤ 50 J'],
    // units written out, as a new user typed them
    ['less than 200 microjoules per prediction', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.0002 }], 'read as: energy per prediction ≤ 200 µJ'],
    ['at most 2 millijoules', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.002 }], 'read as: energy per prediction ≤ 2 mJ'],
    ['under 1 watt-hour per million predictions', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.0036 }], 'read as: energy per prediction ≤ 3.6 mJ (3.6 kJ per 1,000,000 predictions)'],
    // a decimal comma is a decimal, not a new clause (walk 42: "could not read the unit in "at most 0""); grouped thousands stay thousands
    ['at most 0,14 mJ', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.00014 }], 'read as: energy per prediction ≤ 140 µJ'],
    ['at most 0,140 mJ', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.00014 }], 'read as: energy per prediction ≤ 140 µJ'],
    ['2,5 mJ and at least 90% accuracy', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.0025 }, { metric: 'accuracy', bound: 'min', value: 0.9 }], 'read as: energy per prediction ≤ 2.5 mJ and accuracy ≥ 90%'],
    ['at most 1,500 µJ, at least 90% accuracy', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.0015 }, { metric: 'accuracy', bound: 'min', value: 0.9 }], 'read as: energy per prediction ≤ 1.5 mJ and accuracy ≥ 90%'],
    ['at most 1 J per 1,000 predictions', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.001 }], 'read as: energy per prediction ≤ 1 mJ (1 J per 1,000 predictions)'],
    // the words before the limit name what the picker finds anyway (walk 46; the product's own phrase)
    ['the best model under 2 mJ per prediction', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.002 }], 'read as: energy per prediction ≤ 2 mJ'],
    ['the most accurate model at most 0.56 mJ per prediction', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.00056 }], 'read as: energy per prediction ≤ 560 µJ'],
    ['a model that uses at most 1 mJ per prediction and at least 90% accuracy', [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 0.001 }, { metric: 'accuracy', bound: 'min', value: 0.9 }], 'read as: energy per prediction ≤ 1 mJ and accuracy ≥ 90%'],
  ])('reads "%s"', (text, limits, readAs) => {
    const r = parseBudget(text);
    expect(r).toMatchObject({ ok: true, readAs });
    if (r.ok) r.limits.forEach((l, i) => expect(l).toMatchObject({ ...limits[i], value: expect.closeTo(limits[i]!.value, 12) }));
  });

  it.each([
    ['cheap please', /could not read "cheap please": expected a number with a unit/],
    ['at most -5 mJ', /cannot be negative/],
    ['at least 150% accuracy', /between 0% and 100%/],
    ['at least -3% accuracy', /between 0% and 100%/],
    ['at most 2 furlongs', /could not read the unit/],
    ['at most 0 J', /above zero/],
    ['', /type a budget/],
  ])('refuses "%s" with a message, never a guess', (text, message) => {
    const r = parseBudget(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('converts any energy unit: 2 kWh is not 2 mJ', () => {
    const r = parseBudget('at most 2 kWh per prediction');
    expect(r.ok && r.limits[0]!.value).toBe(7.2e6);
    expect(r.ok && r.readAs).toBe('read as: energy per prediction ≤ 7200 kJ');
  });
});

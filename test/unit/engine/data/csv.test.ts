import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCsv } from '../../../../src-main/engine/data/csv';
import { splitDataset, summarise } from '../../../../src-main/engine/data/split';
import { ROOT } from '../../../helpers/cli';

const fx = (name: string) => join(ROOT, 'test/fixtures/csv', name);

describe('CSV datasets', () => {
  it('detects the header, one-hot encodes categories, imputes missing values and says so', () => {
    const ds = loadCsv({ path: fx('people.csv'), target: 'label' });
    expect(ds.task).toBe('classification');
    expect(ds.classes).toEqual(['short', 'tall']);
    expect(ds.featureNames).toEqual(['height', 'colour=blue', 'colour=green', 'colour=red', 'weight']);
    expect(ds.n).toBe(120);
    expect(ds.notes[0]).toMatch(/header row detected; target "label" \(classification\)/);
    expect(ds.notes.join(' ')).toMatch(/\d+ missing value\(s\) in "height" set to its mean/);
    expect(ds.notes.join(' ')).toMatch(/missing value\(s\) in "colour" set to its most frequent value/);
    // one-hot rows hold exactly one 1
    for (let i = 0; i < ds.n; i++) expect(ds.x[i * 5 + 1]! + ds.x[i * 5 + 2]! + ds.x[i * 5 + 3]!).toBe(1);
    const summary = summarise(ds);
    expect(summary.classes.reduce((a, c) => a + c.count, 0)).toBe(120);
  });

  it('drops incomplete rows when asked', () => {
    const ds = loadCsv({ path: fx('people.csv'), target: 'label', missing: 'drop' });
    expect(ds.n).toBeLessThan(120);
    expect(ds.notes.join(' ')).toMatch(/row\(s\) with missing values dropped/);
  });

  it('reads a file without a header, picks the target by number, and treats a many-valued number as regression', () => {
    const ds = loadCsv({ path: fx('linear-noheader.csv'), target: '3' });
    expect(ds.task).toBe('regression');
    expect(ds.featureNames).toEqual(['column_1', 'column_2']);
    expect(ds.yReal).toHaveLength(200);
    const split = splitDataset(ds, { seed: 1 });
    expect(split.train.n + split.validation.n + split.test.n).toBe(200);
    const m = split.train.yReal!.reduce((a, b) => a + b, 0) / split.train.n;
    expect(Math.abs(m)).toBeLessThan(1e-6);
    expect(split.targetScale!.sd).toBeGreaterThan(1);
  });

  it('splits classification data stratified by class, normalising with the training part only', () => {
    const ds = loadCsv({ path: fx('people.csv'), target: 'label' });
    const a = splitDataset(ds, { seed: 5 });
    const b = splitDataset(ds, { seed: 5 });
    expect(Array.from(a.test.y)).toEqual(Array.from(b.test.y));
    const share = (p: typeof a.train) => Array.from(p.y).filter((v) => v === 1).length / p.n;
    expect(Math.abs(share(a.train) - share(a.test))).toBeLessThan(0.1);
    const f = 5;
    const mean0 = Array.from({ length: a.train.n }, (_, i) => a.train.x[i * f]!).reduce((s, v) => s + v, 0) / a.train.n;
    expect(Math.abs(mean0)).toBeLessThan(1e-5);
  });

  it.each([
    ['ragged.csv', 'label', undefined, /ragged\.csv, line 4: 4 fields where the header has 3; fix the row, or quote values that contain commas/],
    ['text-target.csv', 'price', 'regression', /text-target\.csv, line 9: regression needs a numeric target, "price" holds "cheap"; fix the value or use "task": "classification"/],
    ['one-class.csv', 'label', undefined, /one-class\.csv: the target "label" has a single class \("same"\); a classifier needs at least two/],
    ['people.csv', 'age', undefined, /people\.csv: no column "age" to predict; columns: height, colour, weight, label/],
    ['missing.csv', 'x', undefined, /missing\.csv: cannot read the CSV file .*check the path/],
  ] as const)('%s: a clear message naming the file, line and fix', (file, target, task, message) => {
    expect(() => loadCsv({ path: fx(file), target, ...(task ? { task } : {}) })).toThrow(message);
  });
});

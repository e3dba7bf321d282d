import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCsv } from '../../../../src-main/engine/data/csv';
import { splitDataset, summarise } from '../../../../src-main/engine/data/split';
import { ROOT } from '../../../helpers/cli';
import { tmpDir } from '../../../helpers/tmp';

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
    ['people.csv', 'age', undefined, /people\.csv: no column "age" to predict \(dataset\.target in the study file\); columns: height, colour, weight, label/],
    ['people.csv', 'Label', undefined, /people\.csv: no column "Label" to predict \(dataset\.target in the study file\); did you mean "label"\? Column names are case-sensitive; columns: /],
    ['missing.csv', 'x', undefined, /missing\.csv: cannot read the CSV file .*check the path/],
  ] as const)('%s: a clear message naming the file, line and fix', (file, target, task, message) => {
    expect(() => loadCsv({ path: fx(file), target, ...(task ? { task } : {}) })).toThrow(message);
  });
});

describe('CSV data checks', () => {
  const write = (name: string, text: string) => {
    const path = join(tmpDir(), name);
    writeFileSync(path, text);
    return path;
  };
  /** n rows of two numeric features and a two-class label. */
  const rows = (n: number, sep = ',', fmt = (i: number) => [String(i), String(i * 2)]) =>
    Array.from({ length: n }, (_, i) => [...fmt(i), i % 2 ? 'yes' : 'no'].join(sep)).join('\n');

  it('refuses fewer rows than the split and the classes need, stating the minimum', () => {
    expect(() => loadCsv({ path: write('three.csv', `a,b,label\n${rows(3)}\n`), target: 'label' })).toThrow(
      /three\.csv: 3 rows; a study needs at least 10 here \(3 per class for training, validation and test, 2 classes, and at least 10 in all\); add rows/,
    );
    const lopsided = `a,b,label\n${rows(12).replace(/yes/g, 'no')}\n1,2,rare\n3,4,rare\n`;
    expect(() => loadCsv({ path: write('rare.csv', lopsided), target: 'label' })).toThrow(
      /rare\.csv: the class "rare" \(2\) of "label" has fewer than 3 rows; each class needs 3, one each for training, validation and test/,
    );
    const few = Array.from({ length: 8 }, (_, i) => `${i},${i * 3.7}`).join('\n');
    expect(() => loadCsv({ path: write('reg.csv', `x,y\n${few}\n`), target: 'y', task: 'regression' })).toThrow(/reg\.csv: 8 rows; a study needs at least 10 \(so that validation and test hold 2 rows each\)/);
  });

  it('refuses more columns than rows, as from a transposed file', () => {
    const header = [...Array.from({ length: 2000 }, (_, i) => `f${i}`), 'label'].join(',');
    const body = Array.from({ length: 12 }, (_, r) => [...Array.from({ length: 2000 }, (_, i) => String((i * r) % 7)), r % 2 ? 'a' : 'b'].join(',')).join('\n');
    expect(() => loadCsv({ path: write('wide.csv', `${header}\n${body}\n`), target: 'label' })).toThrow(
      /wide\.csv: 2000 feature column\(s\) but only 12 data row\(s\); .*not transposed/,
    );
  });

  it('refuses duplicate column names, naming both columns', () => {
    expect(() => loadCsv({ path: write('dup.csv', `a,b,a,label\n${rows(12, ',', (i) => [String(i), String(i), String(-i)])}\n`), target: 'label' })).toThrow(
      /dup\.csv, line 1: the column name "a" appears twice \(columns 1 and 3\); rename one of them/,
    );
  });

  it('reads semicolon- and tab-separated files, with decimal commas as numbers', () => {
    const semi = write('semi.csv', `x;y;label\n${rows(12, ';', (i) => [`${i},5`, String(i)])}\n`);
    const ds = loadCsv({ path: semi, target: 'label' });
    expect(ds.featureNames).toEqual(['x', 'y']);
    expect(Array.from(ds.x.slice(0, 4))).toEqual([0.5, 0, 1.5, 1]);
    expect(ds.notes).toEqual(expect.arrayContaining(['fields separated by ";"', 'decimal commas read as numbers in "x"']));
    const tab = loadCsv({ path: write('tab.tsv', `x\ty\tlabel\n${rows(12, '\t', (i) => [`${i}.25`, String(i)])}\n`), target: 'label' });
    expect(tab.featureNames).toEqual(['x', 'y']);
    expect(tab.x[2]).toBe(1.25);
    expect(tab.notes).toContain('fields separated by tabs');
  });

  it('refuses a decimal comma where commas also separate the fields, saying which', () => {
    const text = `x,y,label\n${rows(12, ',', (i) => [`"${i},5"`, String(i)])}\n`;
    expect(() => loadCsv({ path: write('comma.csv', text), target: 'label' })).toThrow(
      /comma\.csv, line 2, column "x": "0,5" is a number with a comma in a comma-separated file.*separate the fields with ";"/,
    );
  });

  it('reports an infinity by column and line; a NaN is a missing value, reported by column and lines', () => {
    const body = rows(12).split('\n');
    body[4] = '4,inf,no';
    expect(() => loadCsv({ path: write('inf.csv', `a,b,label\n${body.join('\n')}\n`), target: 'label' })).toThrow(
      /inf\.csv, line 6, column "b": "inf" is not a finite number; replace it with a value, or empty the cell/,
    );
    body[4] = '4,NaN,no';
    body[7] = '7,nan,yes';
    const ds = loadCsv({ path: write('nan.csv', `a,b,label\n${body.join('\n')}\n`), target: 'label' });
    expect(ds.featureNames).toEqual(['a', 'b']);
    expect(ds.notes.join('\n')).toMatch(/2 missing value\(s\) in "b" set to its mean in the training rows \(lines 6, 9\)/);
  });

  it('fills empty cells from the training rows alone: the held-out rows shape no fill (walk 39)', () => {
    const lines = Array.from({ length: 40 }, (_, r) => `${r},${r === 0 ? '' : 1000 + r * r},${r % 3 === 0 ? 'red' : r % 3 === 1 ? 'blue' : ''},${r % 2 ? 'yes' : 'no'}`);
    const ds = loadCsv({ path: write('holes.csv', `a,b,colour,label\n${lines.join('\n')}\n`), target: 'label' });
    expect(ds.missing).toBeDefined();
    const split = splitDataset(ds, { seed: 5 });
    const enc = split.encoding!;
    if (enc.kind !== 'tabular') throw new Error('tabular expected');
    const b = enc.columns.find((c) => c.column === 'b')!;
    if (b.kind !== 'numeric') throw new Error('numeric expected');
    // the training part's mean of "b" (what the z-score subtracts) is the fill: the mean of its present
    // values, whether or not the empty row is among them; the whole file's mean is another number
    const j = ds.featureNames.indexOf('b');
    expect(b.fill).toBeCloseTo(split.featureScale!.mean[j]!, 1);
    const all = lines.slice(1).map((l) => Number(l.split(',')[1]));
    expect(Math.abs(b.fill - all.reduce((x, y) => x + y, 0) / all.length)).toBeGreaterThan(1);
    // a column with no empty cell gets its training fill too, for new rows' empty cells (walk 41)
    const a = enc.columns.find((c) => c.column === 'a')!;
    if (a.kind !== 'numeric') throw new Error('numeric expected');
    expect(a.fill).toBeCloseTo(split.featureScale!.mean[ds.featureNames.indexOf('a')]!, 4);
    expect(a.fill).not.toBeCloseTo(19.5, 1);
    const colour = enc.columns.find((c) => c.column === 'colour')!;
    expect(colour.kind === 'categorical' && ['blue', 'red'].includes(colour.fill)).toBe(true);
    // the data set itself is left as loaded: splitting again gives the same
    expect(splitDataset(ds, { seed: 5 }).encoding).toEqual(enc);
    expect(ds.x[ds.featureNames.indexOf('b')]).toBeCloseTo((ds.encoding as { columns: { fill: number }[] }).columns[1]!.fill, 1);
  });

  it('blames line 1 when it holds counts and class names rather than a header', () => {
    const body = Array.from({ length: 20 }, (_, r) => [r % 2 ? 'M' : 'B', ...Array.from({ length: 30 }, (_, i) => String(r + i / 10))].join(',')).join('\n');
    expect(() => loadCsv({ path: write('breast.csv', `569,30,malignant,benign\n${body}\n`), target: '1' })).toThrow(
      /breast\.csv, line 1: "569,30,malignant,benign" has 4 field\(s\) where the lines below have 31, so it is not a header for these columns; it looks like a sample count \(569\), a feature count \(30\) and class names \(malignant, benign\).*Delete line 1, or replace it with 31 column names/,
    );
  });

  it('counts blank lines and quoted line breaks in the line it names', () => {
    const text = `a,b,label\n\n1,"two\nlines",x\n\n${rows(12)}\n7,8,9,x\n`;
    expect(() => loadCsv({ path: write('lines.csv', text), target: 'label' })).toThrow(/lines\.csv, line 18: 4 fields where the header has 3/);
  });
});

describe('text values that look like missing markers, and identifiers (walk 46)', () => {
  const loans = (rows: number, withId = true) => {
    const lines = [`income,employment,default${withId ? ',applicant_id' : ''}`];
    for (let i = 0; i < rows; i++) {
      const employment = ['salaried', 'self-employed', 'none'][i % 3]!;
      lines.push(`${20 + (i % 17)},${i === 5 ? '' : employment},${employment === 'none' ? 'yes' : 'no'}${withId ? `,A${String(i + 1).padStart(4, '0')}` : ''}`);
    }
    const file = join(tmpDir(), 'loans.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };

  it('keeps "none" as a category of a text column, and counts it missing in a column of numbers', () => {
    const ds = loadCsv({ path: loans(60), target: 'default' });
    const employment = ds.encoding!.kind === 'tabular' ? ds.encoding!.columns.find((c) => c.column === 'employment')! : null;
    expect(employment).toMatchObject({ kind: 'categorical', categories: ['none', 'salaried', 'self-employed'] });
    // only the one empty cell was filled
    expect(ds.notes).toContainEqual(expect.stringMatching(/^1 missing value\(s\) in "employment" set to its most frequent value/));
    // a numeric column: "none" is a missing value there
    const file = join(tmpDir(), 'n.csv');
    writeFileSync(file, `x,y\n${Array.from({ length: 30 }, (_, i) => `${i === 3 ? 'none' : i},${i % 2 ? 'a' : 'b'}`).join('\n')}\n`);
    const numeric = loadCsv({ path: file, target: 'y' });
    expect(numeric.encoding!.kind === 'tabular' && numeric.encoding!.columns[0]).toMatchObject({ kind: 'numeric' });
    expect(numeric.notes).toContainEqual(expect.stringMatching(/^1 missing value\(s\) in "x" set to its mean/));
  });

  it('leaves out a text column with a different value in every row, and refuses one as the target', () => {
    const ds = loadCsv({ path: loans(60), target: 'default' });
    expect(ds.encoding).toMatchObject({ kind: 'tabular', ignored: ['applicant_id'] });
    expect(ds.featureNames.some((f) => f.startsWith('applicant_id'))).toBe(false);
    expect(ds.notes).toContain('"applicant_id" left out: every row has a different value (an identifier), which cannot help predict new rows; new rows may keep the column');
    expect(() => loadCsv({ path: loans(60), target: 'applicant_id' })).toThrow(/the target "applicant_id" has a different value in every row, so it looks like an identifier, not something to predict \(dataset\.target in the study file\)/);
    // a few rows say nothing yet: every value differs in any small table
    expect(loadCsv({ path: loans(12), target: 'default' }).encoding).not.toHaveProperty('ignored');
  });
});

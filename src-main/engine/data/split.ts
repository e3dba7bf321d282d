/** Seeded stratified subsampling and train/validation/test split, normalisation fitted on train. */
import { hashInts, makeRng } from '../../shared/rng';
import { UserError } from '../errors';
import type { ColumnEncoding, Dataset, DatasetSummary, InputEncoding, Part, Split } from './types';

function shuffle(a: number[], rng: ReturnType<typeof makeRng>): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}

/** Row indices per class, each shuffled by the seed. */
function byClass(ds: Dataset, seed: number): number[][] {
  const groups: number[][] = ds.task === 'regression' ? [[]] : ds.classes.map(() => []);
  for (let i = 0; i < ds.n; i++) groups[ds.task === 'regression' ? 0 : ds.y[i]!]!.push(i);
  const rng = makeRng(hashInts(seed, 0xda7a));
  for (const g of groups) shuffle(g, rng);
  return groups;
}

function take(ds: Dataset, idx: number[]): Part {
  const f = ds.x.length / ds.n;
  const x = new Float32Array(idx.length * f);
  const y = new Int32Array(idx.length);
  const yReal = ds.yReal ? new Float32Array(idx.length) : undefined;
  idx.forEach((row, i) => {
    x.set(ds.x.subarray(row * f, (row + 1) * f), i * f);
    y[i] = ds.y[row]!;
    if (yReal) yReal[i] = ds.yReal![row]!;
  });
  return { x, y, ...(yReal ? { yReal } : {}), n: idx.length };
}

/** Each class gives the test, validation and training parts at least one row each. */
export const MIN_ROWS_PER_CLASS = 3;
/** The smallest data set whose 15% validation and test parts each hold two rows (round(0.15 × 10) = 2). */
export const MIN_ROWS = 10;

/**
 * Refuses data the split cannot use: too few rows overall, or a class too small to appear in
 * every part (a model trained without a class, or validated on one row, says nothing). `where`
 * names the file or folder, `unit` what a row is there ("rows", "images").
 */
export function checkEnoughRows(where: string, n: number, classes: { name: string; count: number }[] | null, unit = 'rows', target = 'the target'): void {
  const min = Math.max(MIN_ROWS, classes ? MIN_ROWS_PER_CLASS * classes.length : 0);
  if (n < min) {
    throw new UserError(
      `${where}: ${n} ${unit}; a study needs at least ${min}` +
        (classes ? ` here (${MIN_ROWS_PER_CLASS} per class for training, validation and test, ${classes.length} classes, and at least ${MIN_ROWS} in all)` : ` (so that validation and test hold 2 ${unit} each)`) +
        `; add ${unit}`,
    );
  }
  const small = (classes ?? []).filter((c) => c.count < MIN_ROWS_PER_CLASS);
  if (small.length) {
    throw new UserError(
      `${where}: the class${small.length > 1 ? 'es' : ''} ${small.map((c) => `"${c.name}" (${c.count})`).join(', ')} of ${target} ${small.length > 1 ? 'have' : 'has'} fewer than ${MIN_ROWS_PER_CLASS} ${unit}; ` +
        `each class needs ${MIN_ROWS_PER_CLASS}, one each for training, validation and test. Add ${unit} of ${small.length > 1 ? 'these classes' : 'this class'}, or remove ${small.length > 1 ? 'them' : 'it'}`,
    );
  }
}

export interface SplitOptions {
  seed: number;
  maxSamples?: number;
  fractions?: { train: number; validation: number; test: number };
}

export function splitDataset(given: Dataset, options: SplitOptions): Split {
  let ds = given;
  const fr = options.fractions ?? { train: 0.7, validation: 0.15, test: 0.15 };
  const keepShare = options.maxSamples && options.maxSamples < ds.n ? options.maxSamples / ds.n : 1;
  const parts: { train: number[]; validation: number[]; test: number[] } = { train: [], validation: [], test: [] };
  for (const g of byClass(ds, options.seed)) {
    const rows = g.slice(0, Math.max(3, Math.round(g.length * keepShare)));
    const nTest = Math.max(1, Math.round(rows.length * fr.test));
    const nVal = Math.max(1, Math.round(rows.length * fr.validation));
    parts.test.push(...rows.slice(0, nTest));
    parts.validation.push(...rows.slice(nTest, nTest + nVal));
    parts.train.push(...rows.slice(nTest + nVal));
  }
  const rng = makeRng(hashInts(options.seed, 0x5b11));
  for (const p of Object.values(parts)) shuffle(p, rng);
  const filled = fillFromTraining(ds, parts.train);
  ds = filled.ds;
  const train = take(ds, parts.train);
  const validation = take(ds, parts.validation);
  const test = take(ds, parts.test);
  let normalisation: string;
  let featureScale: Split['featureScale'];
  if (ds.kind === 'image') {
    for (const p of [train, validation, test]) for (let i = 0; i < p.x.length; i++) p.x[i]! /= 255;
    normalisation = 'pixels scaled to [0, 1]';
  } else {
    const f = ds.x.length / ds.n;
    const mean = new Float64Array(f);
    const sd = new Float64Array(f);
    for (let i = 0; i < train.n; i++) for (let j = 0; j < f; j++) mean[j]! += train.x[i * f + j]! / train.n;
    for (let i = 0; i < train.n; i++) for (let j = 0; j < f; j++) sd[j]! += (train.x[i * f + j]! - mean[j]!) ** 2 / train.n;
    for (let j = 0; j < f; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
    for (const p of [train, validation, test]) {
      for (let i = 0; i < p.n; i++) for (let j = 0; j < f; j++) p.x[i * f + j] = (p.x[i * f + j]! - mean[j]!) / sd[j]!;
    }
    normalisation = 'z-score per feature, mean and sd from the training part';
    featureScale = { mean: Array.from(mean), sd: Array.from(sd) };
  }
  let targetScale: { mean: number; sd: number } | undefined;
  if (ds.task === 'regression' && train.yReal) {
    const mean = train.yReal.reduce((a, b) => a + b, 0) / train.n;
    const sd = Math.sqrt(train.yReal.reduce((a, b) => a + (b - mean) ** 2, 0) / train.n) || 1;
    for (const p of [train, validation, test]) for (let i = 0; i < p.n; i++) p.yReal![i] = (p.yReal![i]! - mean) / sd;
    targetScale = { mean, sd };
    normalisation += '; target standardised with the training mean and sd';
  }
  return {
    train,
    validation,
    test,
    inputShape: ds.inputShape,
    classes: ds.classes,
    normalisation,
    task: ds.task,
    testRows: [...parts.test],
    ...(targetScale ? { targetScale } : {}),
    ...(featureScale ? { featureScale } : {}),
    ...(filled.encoding ? { encoding: filled.encoding } : {}),
  };
}

/**
 * Each column's fill for an empty cell from the training rows alone: a numeric column's mean, a
 * categorical column's most frequent category (ties: the first in the column's order) — the
 * held-out rows' values shape neither. Empty cells of the data set take it (a copy; the data set
 * is left as loaded), and the encoding hands it on to the kept model for new rows.
 */
function fillFromTraining(ds: Dataset, trainRows: readonly number[]): { ds: Dataset; encoding?: InputEncoding } {
  const enc = ds.encoding;
  if (!enc || enc.kind !== 'tabular' || trainRows.length === 0) return { ds };
  const missing = ds.missing;
  const f = ds.x.length / ds.n;
  const cols = enc.columns.length;
  const anyMissing = missing?.some((m) => m === 1) ?? false;
  const x = anyMissing ? ds.x.slice() : ds.x;
  const absent = (r: number, j: number) => missing?.[r * cols + j] === 1;
  let offset = 0;
  // every column's fill, empty cells or not: `predict` applies it to a new row's empty cell (walk 41)
  const columns = enc.columns.map((c, j): ColumnEncoding => {
    const at = offset;
    offset += c.kind === 'numeric' ? 1 : c.categories.length;
    const present = trainRows.filter((r) => !absent(r, j));
    let values: number[];
    let fitted: ColumnEncoding;
    if (c.kind === 'numeric') {
      // a column empty in every training row keeps the fill fitted on the whole file
      const mean = present.length ? present.reduce((a, r) => a + x[r * f + at]!, 0) / present.length : c.fill;
      values = [mean];
      fitted = { ...c, fill: mean };
    } else {
      const counts = c.categories.map((_, k) => present.filter((r) => x[r * f + at + k] === 1).length);
      const best = present.length ? counts.indexOf(Math.max(...counts)) : c.categories.indexOf(c.fill);
      values = c.categories.map((_, k) => (k === best ? 1 : 0));
      fitted = { ...c, fill: c.categories[best]! };
    }
    if (anyMissing) for (let r = 0; r < ds.n; r++) if (absent(r, j)) values.forEach((v, k) => (x[r * f + at + k] = v));
    return fitted;
  });
  if (offset !== f) throw new Error(`encoding gives ${offset} features where the data has ${f}`);
  return { ds: anyMissing ? { ...ds, x } : ds, encoding: { ...enc, columns } };
}

export function summarise(ds: Dataset): DatasetSummary {
  const counts = ds.classes.map((name) => ({ name, count: 0 }));
  if (ds.task === 'classification') for (let i = 0; i < ds.n; i++) counts[ds.y[i]!]!.count++;
  const warnings: string[] = [];
  if (counts.length) {
    const min = Math.min(...counts.map((c) => c.count));
    const max = Math.max(...counts.map((c) => c.count));
    if (max > 3 * min) warnings.push(`classes are imbalanced (largest ${max} rows, smallest ${min})`);
  }
  if (ds.n < 30) warnings.push(`only ${ds.n} rows: accuracy figures will be coarse`);
  return {
    name: ds.name,
    kind: ds.kind,
    task: ds.task,
    rows: ds.n,
    features: ds.x.length / ds.n,
    inputShape: ds.inputShape,
    classes: counts,
    warnings,
  };
}

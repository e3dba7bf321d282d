/**
 * A user's CSV file as a dataset: header detected, the target column chosen by the user,
 * numeric features as they are, categorical ones one-hot encoded, missing values imputed (mean
 * or most frequent) or their rows dropped, classification or regression. Every problem names
 * the file, the line and the fix.
 */
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { UserError, errorMessage } from '../errors';
import type { Dataset } from './types';

export interface CsvOptions {
  path: string;
  target: string;
  task?: 'classification' | 'regression';
  missing?: 'impute' | 'drop';
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);
const isMissing = (v: string) => MISSING.has(v.trim().toLowerCase());
const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));

function readCsvText(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new UserError(`${path}: cannot read the CSV file (${errorMessage(e)}); check the path`);
  }
}

/** A header is a first row that is text where the row below holds numbers (or all text). */
function header(path: string, rows: string[][]): { hasHeader: boolean; columns: string[] } {
  if (rows.length < 2) throw new UserError(`${path}: the file has ${rows.length} row(s); a dataset needs a header or data rows, and at least two of them`);
  const [first, second] = [rows[0]!, rows[1]!];
  const hasHeader = first.some((v, i) => !isNumber(v) && isNumber(second[i] ?? '')) || first.every((v) => !isNumber(v));
  return { hasHeader, columns: hasHeader ? first.map((c, i) => c.trim() || `column_${i + 1}`) : first.map((_, i) => `column_${i + 1}`) };
}

/** The column names of a CSV file (its header, or column_1… when it has none), for choosing the target. */
export function csvColumns(path: string): string[] {
  return header(path, Papa.parse<string[]>(readCsvText(path), { skipEmptyLines: 'greedy', preview: 2 }).data).columns;
}

export interface CsvDataset extends Dataset {
  notes: string[];
}

export function loadCsv(options: CsvOptions): CsvDataset {
  const { path } = options;
  const parsed = Papa.parse<string[]>(readCsvText(path), { skipEmptyLines: 'greedy' });
  const fatal = parsed.errors.find((e) => e.type === 'Quotes');
  if (fatal) throw new UserError(`${path}, line ${(fatal.row ?? 0) + 1}: ${fatal.message}; close the quote or remove it`);
  const rows = parsed.data;
  const { hasHeader, columns } = header(path, rows);
  const body = hasHeader ? rows.slice(1) : rows;
  body.forEach((r, i) => {
    if (r.length !== columns.length) {
      const line = i + (hasHeader ? 2 : 1);
      throw new UserError(`${path}, line ${line}: ${r.length} fields where the ${hasHeader ? 'header has' : 'first row has'} ${columns.length}; fix the row, or quote values that contain commas`);
    }
  });

  const t = /^\d+$/.test(options.target) && !columns.includes(options.target) ? Number(options.target) - 1 : columns.indexOf(options.target);
  if (t < 0 || t >= columns.length) {
    throw new UserError(`${path}: no column "${options.target}" to predict; columns: ${columns.join(', ')}`);
  }
  const notes: string[] = [];
  const missingRows = body.filter((r) => isMissing(r[t]!));
  let data = body.filter((r) => !isMissing(r[t]!));
  if (missingRows.length) notes.push(`${missingRows.length} row(s) without a target value dropped`);

  const targetValues = data.map((r) => r[t]!.trim());
  const numericTarget = targetValues.every(isNumber);
  const distinct = new Set(targetValues);
  const task = options.task ?? (numericTarget && distinct.size > 20 ? 'regression' : 'classification');
  if (task === 'regression' && !numericTarget) {
    const bad = data.findIndex((r) => !isNumber(r[t]!));
    throw new UserError(`${path}, line ${bad + (hasHeader ? 2 : 1)}: regression needs a numeric target, "${columns[t]}" holds "${data[bad]![t]}"; fix the value or use "task": "classification"`);
  }
  if (task === 'classification' && distinct.size < 2) {
    throw new UserError(`${path}: the target "${columns[t]}" has a single class ("${[...distinct][0]}"); a classifier needs at least two`);
  }

  const featureCols = columns.map((_, i) => i).filter((i) => i !== t);
  if (options.missing === 'drop') {
    const before = data.length;
    data = data.filter((r) => featureCols.every((i) => !isMissing(r[i]!)));
    if (before !== data.length) notes.push(`${before - data.length} row(s) with missing values dropped`);
  }
  // per column: numeric (mean-imputed) or categorical (one-hot, most frequent imputed)
  const encoders = featureCols.map((i) => {
    const present = data.map((r) => r[i]!.trim()).filter((v) => !isMissing(v));
    const missing = data.length - present.length;
    if (present.length === 0) throw new UserError(`${path}: column "${columns[i]}" is empty; remove it from the file`);
    if (present.every(isNumber)) {
      const mean = present.reduce((a, v) => a + Number(v), 0) / present.length;
      if (missing) notes.push(`${missing} missing value(s) in "${columns[i]}" set to its mean ${Number(mean.toPrecision(4))}`);
      return { names: [columns[i]!], encode: (v: string) => [isMissing(v) ? mean : Number(v)] };
    }
    const counts = new Map<string, number>();
    for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
    const cats = [...counts.keys()].sort();
    const mode = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    if (missing) notes.push(`${missing} missing value(s) in "${columns[i]}" set to its most frequent value "${mode}"`);
    if (cats.length > 50) notes.push(`"${columns[i]}" has ${cats.length} categories: one-hot encoding makes it ${cats.length} features`);
    return { names: cats.map((c) => `${columns[i]}=${c}`), encode: (v: string) => cats.map((c) => ((isMissing(v) ? mode : v.trim()) === c ? 1 : 0)) };
  });
  const featureNames = encoders.flatMap((e) => e.names);
  const f = featureNames.length;
  if (f === 0) throw new UserError(`${path}: no feature columns besides the target "${columns[t]}"`);
  const x = new Float32Array(data.length * f);
  data.forEach((r, row) => {
    let k = 0;
    encoders.forEach((e, j) => {
      for (const v of e.encode(r[featureCols[j]!]!)) x[row * f + k++] = v;
    });
  });
  let classes: string[] = [];
  const y = new Int32Array(data.length);
  let yReal: Float32Array | undefined;
  if (task === 'classification') {
    classes = [...distinct].sort((a, b) => (numericTarget ? Number(a) - Number(b) : a.localeCompare(b)));
    data.forEach((r, i) => (y[i] = classes.indexOf(r[t]!.trim())));
  } else {
    yReal = Float32Array.from(data, (r) => Number(r[t]));
  }
  const name = path.split(/[\\/]/).pop()!;
  return {
    name,
    kind: 'tabular',
    task,
    inputShape: [f],
    featureNames,
    classes,
    x,
    y,
    ...(yReal ? { yReal } : {}),
    n: data.length,
    notes: [`${hasHeader ? 'header row detected' : 'no header row: columns named column_1…'}; target "${columns[t]}" (${task})`, ...notes],
  };
}

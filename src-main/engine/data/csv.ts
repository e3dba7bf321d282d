/**
 * A user's CSV file as a dataset: delimiter and header detected, the target column chosen by the
 * user, numeric features as they are (decimal commas read where the delimiter leaves no doubt),
 * categorical ones one-hot encoded, missing values imputed (mean or most frequent) or their rows
 * dropped, classification or regression. Every problem names the file, the line or column, and
 * the fix; a file the split cannot use is refused before any trial.
 */
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { UserError, errorMessage } from '../errors';
import { checkEnoughRows } from './split';
import type { ColumnEncoding, Dataset } from './types';

export interface CsvOptions {
  path: string;
  target: string;
  task?: 'classification' | 'regression';
  missing?: 'impute' | 'drop';
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);
const isMissing = (v: string) => MISSING.has(v.trim().toLowerCase());
/**
 * In a column of text, "none" and "null" are values (walk 46: employment "none", the strongest
 * signal of its data, was filled with "salaried"); in a column of numbers they can only mean missing.
 */
const WORDS = new Set(['none', 'null']);
const isMissingText = (v: string) => isMissing(v) && !WORDS.has(v.trim().toLowerCase());
const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));
const INFINITE = /^[+-]?(inf|infinity)$/i;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL_COMMA = /^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$/;

/** A parsed row and the line of the file where it starts (1-based; blank lines and quoted newlines counted). */
interface Row {
  cells: string[];
  line: number;
}

interface Parsed {
  rows: Row[];
  delimiter: string;
}

function readCsvText(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new UserError(`${path}: cannot read the CSV file (${errorMessage(e)}); check the path`);
  }
}

function parseRows(path: string, text: string, limit?: number): Parsed {
  const rows: Row[] = [];
  let delimiter = ',';
  let from = 0;
  let line = 1;
  let quoteError: { line: number; message: string } | null = null;
  Papa.parse<string[]>(text, {
    skipEmptyLines: 'greedy',
    ...(limit ? { preview: limit } : {}),
    step: (r) => {
      // a row starts after the previous one's end, past the blank lines that were skipped
      let start = from;
      while (start < text.length && /[\r\n\t ]/.test(text[start]!)) start++;
      for (let i = from; i < start; i++) if (text[i] === '\n') line++;
      rows.push({ cells: r.data, line });
      for (let i = start; i < r.meta.cursor; i++) if (text[i] === '\n') line++;
      from = r.meta.cursor;
      delimiter = r.meta.delimiter;
      const quote = r.errors.find((e) => e.type === 'Quotes');
      if (quote && !quoteError) quoteError = { line: rows.at(-1)!.line, message: quote.message };
    },
  });
  if (quoteError) {
    const { line: at, message } = quoteError as { line: number; message: string };
    throw new UserError(`${path}, line ${at}: ${message}; close the quote or remove it`);
  }
  return { rows, delimiter };
}

const show = (cells: string[]) => {
  const text = cells.join(',');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/**
 * A header is a first row that is text where the row below holds numbers (or all text). A first
 * row whose field count differs from every row below is refused here, so the error blames it
 * rather than line 2: some published files begin with counts and class names instead of names.
 */
function header(path: string, rows: Row[]): { hasHeader: boolean; columns: string[] } {
  if (rows.length < 2) throw new UserError(`${path}: the file has ${rows.length} row(s); a dataset needs a header or data rows, and at least two of them`);
  const first = rows[0]!.cells;
  if (rows.length >= 3) {
    const widths = new Map<number, number>();
    for (const r of rows.slice(1)) widths.set(r.cells.length, (widths.get(r.cells.length) ?? 0) + 1);
    const [common, count] = [...widths.entries()].sort((a, b) => b[1] - a[1])[0]!;
    if (first.length !== common && count >= 0.9 * (rows.length - 1)) {
      const counts = first.length >= 2 && INTEGER.test(first[0]!.trim()) && INTEGER.test(first[1]!.trim());
      throw new UserError(
        `${path}, line 1: "${show(first)}" has ${first.length} field(s) where the lines below have ${common}, so it is not a header for these columns` +
          (counts
            ? `; it looks like a sample count (${first[0]!.trim()}), a feature count (${first[1]!.trim()})${first.length > 2 ? ` and class names (${first.slice(2).map((c) => c.trim()).join(', ')})` : ''}, as some published files begin. Delete line 1, or replace it with ${common} column names`
            : `. Replace line 1 with ${common} column names, or delete it if the file has no header`),
      );
    }
  }
  const second = rows[1]!.cells;
  const hasHeader = first.some((v, i) => !isNumber(v) && isNumber(second[i] ?? '')) || first.every((v) => !isNumber(v));
  const columns = hasHeader ? first.map((c, i) => c.trim() || `column_${i + 1}`) : first.map((_, i) => `column_${i + 1}`);
  if (hasHeader) {
    const seen = new Map<string, number>();
    columns.forEach((c, i) => {
      const before = seen.get(c);
      if (before !== undefined) {
        throw new UserError(`${path}, line 1: the column name "${c}" appears twice (columns ${before + 1} and ${i + 1}); rename one of them so each feature has its own name`);
      }
      seen.set(c, i);
    });
  }
  return { hasHeader, columns };
}

/** The column names of a CSV file (its header, or column_1… when it has none), for choosing the target. */
export function csvColumns(path: string): string[] {
  return header(path, parseRows(path, readCsvText(path), 50).rows).columns;
}

/**
 * A CSV file as rows of cells, checked and normalised as training reads it (delimiter, header,
 * decimal commas, infinities): what `ecopt predict` feeds a kept model, so new rows are read the
 * way the training rows were.
 */
export function readCsvTable(path: string): { columns: string[]; rows: Row[]; delimiter: string; hasHeader: boolean; decimalCommas: string[] } {
  const { rows, delimiter } = parseRows(path, readCsvText(path));
  const { hasHeader, columns } = header(path, rows);
  const body = hasHeader ? rows.slice(1) : rows;
  for (const r of body) {
    if (r.cells.length !== columns.length) {
      throw new UserError(`${path}, line ${r.line}: ${r.cells.length} fields where the ${hasHeader ? 'header has' : 'first row has'} ${columns.length}; fix the row, or quote values that contain commas`);
    }
  }
  const decimalCommas = readDecimalCommas(path, body, columns, delimiter);
  refuseInfinities(path, body, columns);
  return { columns, rows: body, delimiter, hasHeader, decimalCommas };
}

/** A cell's missing-value rule, for a column of text or of numbers (see WORDS): what training read, `predict` reads. */
export function missingRule(text: boolean): (v: string) => boolean {
  return text ? isMissingText : isMissing;
}

/**
 * Reads `1,5` as 1.5 in the columns whose values are all numbers once read that way — only where
 * fields are not separated by commas; in a comma-separated file such a value is refused, since a
 * decimal comma and a thousands separator cannot be told apart there. Returns the columns read.
 */
function readDecimalCommas(path: string, body: Row[], columns: string[], delimiter: string): string[] {
  const read: string[] = [];
  columns.forEach((name, j) => {
    let commas = 0;
    for (const r of body) {
      const v = r.cells[j]!.trim();
      if (isMissing(v) || INFINITE.test(v)) continue;
      if (DECIMAL_COMMA.test(v)) commas++;
      else if (!INTEGER.test(v)) return;
    }
    if (commas === 0) return;
    if (delimiter === ',') {
      const at = body.find((r) => DECIMAL_COMMA.test(r.cells[j]!.trim()))!;
      throw new UserError(
        `${path}, line ${at.line}, column "${name}": "${at.cells[j]!.trim()}" is a number with a comma in a comma-separated file, which could be a decimal comma or a thousands separator; ` +
          'separate the fields with ";" (decimal commas are then read as numbers), or write the numbers with a decimal point',
      );
    }
    for (const r of body) r.cells[j] = r.cells[j]!.replace(',', '.');
    read.push(name);
  });
  return read;
}

/** An infinity in a column of numbers is a broken value, not a category: name it and its line. */
function refuseInfinities(path: string, body: Row[], columns: string[]): void {
  columns.forEach((name, j) => {
    const values = body.map((r) => r.cells[j]!.trim()).filter((v) => !isMissing(v));
    if (!values.some((v) => INFINITE.test(v)) || !values.every((v) => isNumber(v) || INFINITE.test(v))) return;
    const at = body.find((r) => INFINITE.test(r.cells[j]!.trim()))!;
    throw new UserError(
      `${path}, line ${at.line}, column "${name}": "${at.cells[j]!.trim()}" is not a finite number; replace it with a value, or empty the cell to make it a missing value`,
    );
  });
}

const lineList = (rows: Row[]) => `line${rows.length > 1 ? 's' : ''} ${rows.slice(0, 5).map((r) => r.line).join(', ')}${rows.length > 5 ? ', …' : ''}`;

export interface CsvDataset extends Dataset {
  notes: string[];
}

/** A column of text whose every value differs, over enough rows to say so: an identifier. */
function identifier(values: readonly string[]): boolean {
  return values.length >= 20 && new Set(values).size === values.length;
}

export function loadCsv(options: CsvOptions): CsvDataset {
  const { path } = options;
  const { columns, rows: body, delimiter, hasHeader, decimalCommas: commas } = readCsvTable(path);
  // a column's missing cells: "none" and "null" count only in a column of numbers (see WORDS)
  // (read once per column: `missing: drop` asks it of every row)
  const missingBy = columns.map((_, i) => missingRule(!body.every((r) => isMissing(r.cells[i]!) || isNumber(r.cells[i]!.trim()))));
  const missingIn = (i: number) => missingBy[i]!;
  const t = /^\d+$/.test(options.target) && !columns.includes(options.target) ? Number(options.target) - 1 : columns.indexOf(options.target);
  if (t < 0 || t >= columns.length) {
    // the study file's field, and the column meant where only its case or spaces differ
    const near = columns.find((c) => c.trim().toLowerCase() === options.target.trim().toLowerCase());
    throw new UserError(`${path}: no column "${options.target}" to predict (dataset.target in the study file)${near !== undefined ? `; did you mean "${near}"? Column names are case-sensitive` : ''}; columns: ${columns.join(', ')}`);
  }
  const notes: string[] = [];
  if (delimiter !== ',') notes.push(`fields separated by ${delimiter === '\t' ? 'tabs' : `"${delimiter}"`}`);
  if (commas.length) notes.push(`decimal commas read as numbers in ${commas.map((c) => `"${c}"`).join(', ')}`);

  // a target of text keeps "none" as a class, as a text feature keeps it as a category
  const targetMissing = missingIn(t);
  const missingRows = body.filter((r) => targetMissing(r.cells[t]!));
  let data = body.filter((r) => !targetMissing(r.cells[t]!));
  if (missingRows.length) notes.push(`${missingRows.length} row(s) without a target value dropped (${lineList(missingRows)})`);

  const targetValues = data.map((r) => r.cells[t]!.trim());
  const numericTarget = targetValues.every(isNumber);
  const distinct = new Set(targetValues);
  const task = options.task ?? (numericTarget && distinct.size > 20 ? 'regression' : 'classification');
  if (task === 'regression' && !numericTarget) {
    const bad = data.find((r) => !isNumber(r.cells[t]!))!;
    throw new UserError(`${path}, line ${bad.line}: regression needs a numeric target, "${columns[t]}" holds "${bad.cells[t]}"; fix the value or use "task": "classification"`);
  }
  if (task === 'classification' && distinct.size < 2) {
    throw new UserError(`${path}: the target "${columns[t]}" has a single class ("${[...distinct][0]}"); a classifier needs at least two`);
  }
  // an identifier to predict: "add rows" was the advice (walk 46)
  if (task === 'classification' && !numericTarget && identifier(targetValues)) {
    throw new UserError(`${path}: the target "${columns[t]}" has a different value in every row, so it looks like an identifier, not something to predict (dataset.target in the study file)`);
  }

  // a column of text with a different value in every row (an applicant id) cannot help predict
  // a new row, and would make the model refuse every new id (walk 46): left out, and new rows
  // may keep it
  const ignored: string[] = [];
  const featureCols = columns
    .map((_, i) => i)
    .filter((i) => {
      if (i === t) return false;
      const absent = missingIn(i);
      const values = data.map((r) => r.cells[i]!.trim()).filter((v) => !absent(v));
      if (values.every(isNumber) || !identifier(values)) return true;
      ignored.push(columns[i]!);
      notes.push(`"${columns[i]}" left out: every row has a different value (an identifier), which cannot help predict new rows; new rows may keep the column`);
      return false;
    });
  if (options.missing === 'drop') {
    const before = data.length;
    data = data.filter((r) => featureCols.every((i) => !missingIn(i)(r.cells[i]!)));
    if (before !== data.length) notes.push(`${before - data.length} row(s) with missing values dropped`);
  }
  if (featureCols.length >= data.length) {
    throw new UserError(
      `${path}: ${featureCols.length} feature column(s) but only ${data.length} data row(s); a model cannot learn more features than it has examples. ` +
        'Check that the file has one row per sample and one column per feature (not transposed), or add rows',
    );
  }
  const classes = task === 'classification' ? [...distinct].sort((a, b) => (numericTarget ? Number(a) - Number(b) : a.localeCompare(b))) : [];
  checkEnoughRows(
    `${path}`,
    data.length,
    task === 'classification' ? classes.map((c) => ({ name: c, count: data.filter((r) => r.cells[t]!.trim() === c).length })) : null,
    `rows`,
    `"${columns[t]}"`,
  );

  // per column: numeric (mean-imputed) or categorical (one-hot, most frequent imputed)
  const encoders = featureCols.map((i) => {
    const isAbsent = missingIn(i);
    const present = data.map((r) => r.cells[i]!.trim()).filter((v) => !isAbsent(v));
    const absent = data.filter((r) => isAbsent(r.cells[i]!));
    const missing = absent.length;
    if (present.length === 0) throw new UserError(`${path}: column "${columns[i]}" is empty; remove it from the file`);
    if (present.every(isNumber)) {
      const mean = present.reduce((a, v) => a + Number(v), 0) / present.length;
      if (missing) notes.push(`${missing} missing value(s) in "${columns[i]}" set to its mean in the training rows (${lineList(absent)})`);
      const encoding: ColumnEncoding = { column: columns[i]!, kind: 'numeric', fill: mean };
      return { names: [columns[i]!], encoding, isAbsent, encode: (v: string) => [isAbsent(v) ? mean : Number(v)] };
    }
    const counts = new Map<string, number>();
    for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
    const cats = [...counts.keys()].sort();
    const mode = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    if (missing) notes.push(`${missing} missing value(s) in "${columns[i]}" set to its most frequent value in the training rows (${lineList(absent)})`);
    if (cats.length > 50) notes.push(`"${columns[i]}" has ${cats.length} categories: one-hot encoding makes it ${cats.length} features`);
    const encoding: ColumnEncoding = { column: columns[i]!, kind: 'categorical', categories: cats, fill: mode };
    return { names: cats.map((c) => `${columns[i]}=${c}`), encoding, isAbsent, encode: (v: string) => cats.map((c) => ((isAbsent(v) ? mode : v.trim()) === c ? 1 : 0)) };
  });
  const featureNames = encoders.flatMap((e) => e.names);
  const f = featureNames.length;
  if (f === 0) throw new UserError(`${path}: no feature columns besides the target "${columns[t]}"`);
  const x = new Float32Array(data.length * f);
  data.forEach((r, row) => {
    let k = 0;
    encoders.forEach((e, j) => {
      for (const v of e.encode(r.cells[featureCols[j]!]!)) x[row * f + k++] = v;
    });
  });
  // which cells were empty: the split fills them from its training rows alone (split.ts)
  const missing = new Uint8Array(data.length * encoders.length);
  data.forEach((r, row) => featureCols.forEach((c, j) => (missing[row * encoders.length + j] = encoders[j]!.isAbsent(r.cells[c]!) ? 1 : 0)));
  const y = new Int32Array(data.length);
  let yReal: Float32Array | undefined;
  if (task === 'classification') {
    data.forEach((r, i) => (y[i] = classes.indexOf(r.cells[t]!.trim())));
  } else {
    yReal = Float32Array.from(data, (r) => Number(r.cells[t]));
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
    encoding: { kind: 'tabular', columns: encoders.map((e) => e.encoding), target: columns[t]!, ...(ignored.length ? { ignored } : {}) },
    source: { file: path, lines: data.map((r) => r.line) },
    ...(missing.some((m) => m === 1) ? { missing } : {}),
    notes: [`${hasHeader ? 'header row detected' : 'no header row: columns named column_1…'}; target "${columns[t]}" (${task})`, ...notes],
  };
}

/**
 * `ecopt predict`: a kept (exported) model applied to new rows of a CSV file with the training
 * file's columns, or to the images of a folder. Inputs are prepared exactly as in training
 * (preprocessing.json); anything that cannot be — a missing or unknown column, a category the
 * model never saw, a value that is not a number — is refused with the file, line and column.
 * With `skip`, the rows (images) that can be prepared are predicted and the others are written
 * with an empty prediction and why in a `problem` column (walk 47: one unseen category refused a
 * service's whole batch).
 */
import * as tf from '@tensorflow/tfjs';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { missingRule, readCsvTable } from '../data/csv';
import { IMAGE_EXTENSIONS, UndecodableImage, imagePixels } from '../data/images';
import type { ColumnEncoding } from '../data/types';
import { UserError } from '../errors';
import { selectBackend } from '../trials/builtin/backend';
import { loadModel, type Preprocessing } from './artifact';
import type { TestClass } from '../../shared/analysis';

export interface PredictResult {
  rows: number;
  /** Written file. */
  out: string;
  /** When the input holds the true values: accuracy (classification) or RMSE in the target's units. */
  score: { metric: 'accuracy' | 'rmse'; value: number; n: number } | null;
  /** A classifier's labelled inputs class by class (the classes the labels name, in the model's order). */
  classes: TestClass[] | null;
  backend: string;
  /** What the inputs may get wrong, e.g. images the other way round (dark on light) from the training set's. */
  warnings: string[];
  /** With `skip`: the rows (images) not predicted, with why, as "line 4, column "region": …". */
  refused: string[];
}

/** What predict says after listing the inputs it cannot take, when not skipping them. */
const SKIP_HINT = 'or give --skip to predict the others and list these in the output\'s "problem" column';

/**
 * Images much darker or brighter on average than the training images (64 of 255 apart or more):
 * lighting or exposure unlike the training set's, which a model answers confidently and wrongly.
 * Where they are also on the other side of mid-grey they are most likely the other way round
 * (dark on light where the model learnt light on dark: a pen on paper against the bundled digits),
 * and the advice is to invert them; otherwise to take them as the training images were taken
 * (walk 48: an over-exposed part photo was told to invert, and two dark ones were not warned of).
 */
export function brightnessWarning(trainMean: number | undefined, inputMean: number): string | null {
  if (!outOfRange(trainMean, inputMean)) return null;
  const darker = inputMean < trainMean!;
  return `these images are much ${darker ? 'darker' : 'brighter'} on average (mean pixel ${Math.round(inputMean)} of 255) than the ones the model learnt from (${Math.round(trainMean!)}): ${advice(trainMean!, inputMean, 'they are', 'them')}`;
}

function outOfRange(trainMean: number | undefined, mean: number): boolean {
  return trainMean !== undefined && Math.abs(mean - trainMean) >= 64;
}

function advice(trainMean: number, mean: number, subject: string, object: string): string {
  const darker = mean < trainMean;
  const swapped = trainMean < 128 !== mean < 128;
  const retake = `take ${object} as the training images were taken (lighting, exposure, background), or the model will guess`;
  if (!swapped) return `${retake}${subject === 'it is' ? ' for it' : ''}`;
  return `if ${subject} ${darker ? 'light on dark where the training images were dark on light' : 'dark on light (a pen on paper) where the training images were light on dark'}, invert ${object} first; otherwise ${retake}${subject === 'it is' ? ' for it' : ''}`;
}

/**
 * The same check image by image (walk 43: one dark-on-light image among bright ones passed the
 * folder's average, and got a confident wrong answer): the images out of range, by name, where
 * some are and the folder's average is not.
 */
export function imageBrightnessWarning(trainMean: number | undefined, images: readonly { name: string; mean: number }[]): string | null {
  if (trainMean === undefined || images.length === 0) return null;
  const whole = brightnessWarning(trainMean, images.reduce((a, i) => a + i.mean, 0) / images.length);
  if (whole) return whole;
  const odd = images.filter((i) => outOfRange(trainMean, i.mean));
  if (odd.length === 0) return null;
  const lines = (darker: boolean) => {
    const these = odd.filter((i) => i.mean < trainMean === darker);
    if (!these.length) return null;
    const named = these.slice(0, 5).map((i) => `${i.name} (mean pixel ${Math.round(i.mean)})`).join(', ') + (these.length > 5 ? `, and ${these.length - 5} more` : '');
    const one = these.length === 1;
    const said = advice(trainMean, these[0]!.mean, one ? 'it is' : 'they are', one ? 'it' : 'them');
    return `${these.length} of the ${images.length} images ${one ? 'is' : 'are'} much ${darker ? 'darker' : 'brighter'} than the ones the model learnt from (mean pixel ${Math.round(trainMean)} of 255): ${named}. ${said.charAt(0).toUpperCase()}${said.slice(1)}`;
  };
  return [lines(true), lines(false)].filter((l) => l !== null).join('. ');
}

interface Inputs {
  x: Float32Array;
  n: number;
  /** Per row, what to write before the prediction. */
  echo: string[][];
  echoColumns: string[];
  /** True labels or values where the input has them. */
  truth: (string | null)[];
  /** Missing cells given the training's fill value, as "line 4, "area" ("NA", given its training mean 145)", with their row. */
  filled?: { row: number; text: string }[];
  /** Per row, why it cannot be predicted (its cells' problems, joined), or null; only with `skip`. */
  problems: (string | null)[];
}

function encodeCell(enc: ColumnEncoding, raw: string, where: string): number[] {
  if (enc.kind === 'numeric') {
    if (missingRule(false)(raw)) return [enc.fill];
    const v = Number(raw.trim());
    if (!Number.isFinite(v)) throw new UserError(`${where}: "${raw.trim()}" is not a number, and the model was trained on numbers here; fix the value or empty the cell`);
    return [v];
  }
  const v = missingRule(true)(raw) ? enc.fill : raw.trim();
  if (!enc.categories.includes(v)) {
    // categories are compared as written: "East" is not "east" (walk 47), which training kept apart too
    const sameButCase = enc.categories.find((c) => c.toLowerCase() === v.toLowerCase());
    throw new UserError(
      sameButCase !== undefined
        ? `${where}: "${v}" is a category the model never saw; it knows "${sameButCase}" (categories are matched with their case, as in training): write it so, or retrain with data that holds "${v}"`
        : `${where}: "${v}" is a category the model never saw (it knows ${enc.categories.slice(0, 8).map((c) => `"${c}"`).join(', ')}${enc.categories.length > 8 ? ', …' : ''}); map it to one of these, or retrain with data that holds it`,
    );
  }
  return enc.categories.map((c) => (c === v ? 1 : 0));
}

function tabularInputs(path: string, p: Preprocessing, skip: boolean): Inputs {
  const enc = p.encoding;
  if (!enc || enc.kind !== 'tabular') {
    // one image given on its own: say to put it in a folder, not that it is a CSV file
    if (IMAGE_EXTENSIONS.has(extname(path).toLowerCase())) throw new UserError(`${path}: give a folder of images, not one image; put it (and any others) in a folder and give the folder`);
    throw new UserError(`${path}: this model takes images, not a CSV file; give a folder of images`);
  }
  const { columns, rows } = readCsvTable(path);
  const needed = enc.columns.map((c) => c.column);
  const missing = needed.filter((c) => !columns.includes(c));
  // an identifier the training left out may stay in the new rows (echoed, not used)
  const extra = columns.filter((c) => !needed.includes(c) && c !== enc.target && !(enc.ignored ?? []).includes(c));
  const quoted = (cs: string[]) => cs.map((c) => `"${c}"`).join(', ');
  if (missing.length) {
    // a column missing and another unknown is most often one renamed (walk 42: "fibre" for "has_fibre"): both said at once
    const unknown = extra.length ? `, and the column${extra.length > 1 ? 's' : ''} ${quoted(extra)} ${extra.length > 1 ? 'were' : 'was'} not in the training file (renamed?)` : '';
    throw new UserError(`${path}: the column${missing.length > 1 ? 's' : ''} ${quoted(missing)} the model needs ${missing.length > 1 ? 'are' : 'is'} missing${unknown}; the file needs the training file's columns: ${needed.join(', ')}`);
  }
  if (extra.length) {
    throw new UserError(`${path}: the column${extra.length > 1 ? 's' : ''} ${extra.map((c) => `"${c}"`).join(', ')} ${extra.length > 1 ? 'were' : 'was'} not in the training file; remove ${extra.length > 1 ? 'them' : 'it'} (the model takes ${needed.join(', ')}${enc.target ? `, and optionally "${enc.target}" to score it` : ''})`);
  }
  const f = p.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(rows.length * f);
  const targetAt = enc.target ? columns.indexOf(enc.target) : -1;
  const filled: { row: number; text: string }[] = [];
  // every cell the model cannot take, not only the first (walk 42: the next line's "$80" came one run later)
  const bad: string[] = [];
  const problems: (string | null)[] = rows.map(() => null);
  rows.forEach((r, i) => {
    let k = 0;
    for (const c of enc.columns) {
      const raw = r.cells[columns.indexOf(c.column)]!;
      // what the cell held where it was not empty (walk 47: an "NA" was called an empty cell)
      const held = raw.trim() === '' ? '' : `"${raw.trim()}", `;
      if (missingRule(c.kind !== 'numeric')(raw)) filled.push({ row: i, text: `line ${r.line}, "${c.column}" (${held}${c.kind === 'numeric' ? `given its training mean ${Number(c.fill.toPrecision(4))}` : `given its most frequent category "${c.fill}"`})` });
      let values: number[];
      try {
        values = encodeCell(c, raw, `line ${r.line}, column "${c.column}"`);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        bad.push(e.message);
        problems[i] = problems[i] === null ? e.message : `${problems[i]}; ${e.message}`;
        values = new Array<number>(c.kind === 'numeric' ? 1 : c.categories.length).fill(0);
      }
      for (const v of values) x[i * f + k++] = v;
    }
    if (k !== f) throw new Error(`encoding gave ${k} features where the model takes ${f}`);
  });
  if (!skip && bad.length === 1) throw new UserError(`${path}, ${bad[0]!}; ${SKIP_HINT}`);
  if (!skip && bad.length > 1) throw new UserError(`${path}: ${bad.length} cells the model cannot take: ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? `; and ${bad.length - 5} more` : ''}; fix them, ${SKIP_HINT}`);
  return {
    problems,
    x,
    n: rows.length,
    echo: rows.map((r) => r.cells),
    echoColumns: columns,
    // a class named "none" is a class, as training read it
    truth: rows.map((r) => (targetAt >= 0 && !missingRule(p.task === 'classification' && p.classes.some((c) => c.trim() === '' || !Number.isFinite(Number(c))))(r.cells[targetAt]!) ? r.cells[targetAt]!.trim() : null)),
    // a refused row's filled cells are not predicted from
    filled: filled.filter((c) => problems[c.row] === null),
  };
}

async function imageInputs(dir: string, p: Preprocessing, skip: boolean): Promise<Inputs> {
  const enc = p.encoding;
  if (!enc || enc.kind !== 'image') throw new UserError(`${dir}: this model takes rows of a CSV file, not images`);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      if (e.startsWith('.')) continue;
      const full = join(d, e);
      if (statSync(full).isDirectory()) walk(full);
      else if (IMAGE_EXTENSIONS.has(extname(e).toLowerCase())) files.push(full);
    }
  };
  walk(dir);
  if (files.length === 0) throw new UserError(`${dir}: no PNG, JPEG, WebP, GIF or TIFF images in this folder`);
  const f = enc.size * enc.size * enc.channels;
  const x = new Float32Array(files.length * f);
  // every image the decoder cannot read, not only the first (a truncated one among good ones)
  const problems: (string | null)[] = files.map(() => null);
  for (const [i, file] of files.entries()) {
    let raw: Buffer;
    try {
      raw = await imagePixels(file, enc.size, enc.channels);
    } catch (e) {
      if (!(e instanceof UndecodableImage)) throw e;
      problems[i] = `cannot decode the image (${e.why})`;
      continue;
    }
    for (let k = 0; k < f; k++) x[i * f + k] = raw[k]!;
  }
  const bad = files.flatMap((file, i) => (problems[i] === null ? [] : [`${relative(dir, file)}: ${problems[i]}`]));
  if (!skip && bad.length) {
    throw new UserError(`${dir}: ${bad.length === 1 ? 'an image' : `${bad.length} images`} the model cannot take: ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? `; and ${bad.length - 5} more` : ''}; replace or remove ${bad.length === 1 ? 'it' : 'them'}, ${SKIP_HINT}`);
  }
  // images in a subfolder named after a class are scored against it
  const truth = files.map((file) => {
    const parts = relative(dir, file).split(/[\\/]/);
    return parts.length > 1 && p.classes.includes(parts[0]!) ? parts[0]! : null;
  });
  return { x, n: files.length, echo: files.map((file) => [relative(dir, file)]), echoColumns: ['file'], truth, problems };
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `skip`: predict the inputs that can be prepared and list the others (see the file's comment) instead of refusing them all. */
export async function predict(modelDir: string, input: string, out: string, options: { skip?: boolean } = {}): Promise<PredictResult> {
  const skip = options.skip === true;
  const backend = await selectBackend();
  // the cpu backend's first tensor prints a banner recommending tfjs-node, in the middle of predict's own output (walk 47: ECOPT_BACKEND=cpu to compare)
  if (backend.name === 'cpu') tf.enableProdMode();
  const { model, preprocessing: p } = await loadModel(modelDir);
  const inputs = statSync(input).isDirectory() ? await imageInputs(input, p, skip) : tabularInputs(input, p, skip);
  const ok = (i: number) => inputs.problems[i] === null;
  const refusedCount = inputs.problems.filter((x) => x !== null).length;
  if (refusedCount === inputs.n) {
    const first = inputs.problems.find((x) => x !== null)!;
    throw new UserError(`${input}: none of the ${inputs.n} ${p.encoding?.kind === 'image' ? 'images' : 'rows'} can be given to the model (the first: ${first}); nothing was written`);
  }
  // a problem column only where a row was refused: a clean input's output is as before
  const problemColumn = refusedCount > 0 ? ['problem'] : [];
  const problemCell = (i: number) => (refusedCount > 0 ? [inputs.problems[i] ?? ''] : []);
  const f = p.inputShape.reduce((a, b) => a * b, 1);
  // each image's mean pixel (0–255), before scaling: compared with the training images'
  const imageMeans =
    p.encoding?.kind === 'image'
      ? Array.from({ length: inputs.n }, (_, i) => i)
          .filter(ok)
          .map((i) => ({ row: i, name: inputs.echo[i]![0]!, mean: inputs.x.subarray(i * f, (i + 1) * f).reduce((a, v) => a + v, 0) / Math.max(1, f) }))
      : null;
  // each such image's note in the output too, beside its prediction (walk 49: the warning reached the terminal only)
  const notes = new Map(
    (imageMeans ?? [])
      .filter((im) => outOfRange(p.pixelMean, im.mean))
      .map((im) => [im.row, `much ${im.mean < p.pixelMean! ? 'darker' : 'brighter'} than the training images (mean pixel ${Math.round(im.mean)} of 255 against ${Math.round(p.pixelMean!)}): the prediction may be a guess`] as const),
  );
  const extraColumns = [...(notes.size ? ['note'] : []), ...problemColumn];
  const extraCells = (i: number) => [...(notes.size ? [notes.get(i) ?? ''] : []), ...problemCell(i)];
  if (p.featureScale) {
    const { mean, sd } = p.featureScale;
    for (let i = 0; i < inputs.n; i++) for (let j = 0; j < f; j++) inputs.x[i * f + j] = (inputs.x[i * f + j]! - mean[j]!) / sd[j]!;
  } else if (p.encoding?.kind === 'image') {
    for (let i = 0; i < inputs.x.length; i++) inputs.x[i]! /= 255;
  }
  const output = tf.tidy(() => (model.predict(tf.tensor(inputs.x, [inputs.n, ...p.inputShape])) as tf.Tensor).arraySync() as number[][]);
  const lines: string[] = [];
  let correct = 0;
  let se = 0;
  let scored = 0;
  const byClass = new Map<string, { n: number; correct: number; wrong: Map<string, number> }>();
  if (p.task === 'classification') {
    lines.push([...inputs.echoColumns, 'prediction', 'probability', ...extraColumns].map(csvCell).join(','));
    output.forEach((probs, i) => {
      if (!ok(i)) {
        lines.push([...inputs.echo[i]!, '', '', ...extraCells(i)].map(csvCell).join(','));
        return;
      }
      const k = probs.indexOf(Math.max(...probs));
      const label = p.classes[k]!;
      lines.push([...inputs.echo[i]!, label, probs[k]!.toFixed(6), ...extraCells(i)].map(csvCell).join(','));
      const truth = inputs.truth[i];
      if (truth !== null && truth !== undefined) {
        scored++;
        if (truth === label) correct++;
        const c = byClass.get(truth) ?? { n: 0, correct: 0, wrong: new Map<string, number>() };
        c.n++;
        if (truth === label) c.correct++;
        else c.wrong.set(label, (c.wrong.get(label) ?? 0) + 1);
        byClass.set(truth, c);
      }
    });
  } else {
    const scale = p.targetScale ?? { mean: 0, sd: 1 };
    lines.push([...inputs.echoColumns, 'prediction', ...extraColumns].map(csvCell).join(','));
    output.forEach((v, i) => {
      if (!ok(i)) {
        lines.push([...inputs.echo[i]!, '', ...extraCells(i)].map(csvCell).join(','));
        return;
      }
      const y = v[0]! * scale.sd + scale.mean;
      lines.push([...inputs.echo[i]!, String(y), ...extraCells(i)].map(csvCell).join(','));
      const truth = inputs.truth[i];
      if (truth !== null && truth !== undefined && Number.isFinite(Number(truth))) {
        scored++;
        se += (y - Number(truth)) ** 2;
      }
    });
  }
  writeFileSync(out, `${lines.join('\n')}\n`);
  model.dispose();
  const score =
    scored === 0
      ? null
      : p.task === 'classification'
        ? { metric: 'accuracy' as const, value: correct / scored, n: scored }
        : { metric: 'rmse' as const, value: Math.sqrt(se / scored), n: scored };
  const warnings: string[] = [];
  const filled = inputs.filled ?? [];
  if (filled.length) {
    warnings.push(
      `${filled.length} missing cell${filled.length === 1 ? ' was' : 's were'} filled as in training, so ${filled.length === 1 ? 'its row was' : 'their rows were'} predicted from a guessed value: ${filled.slice(0, 5).map((c) => c.text).join('; ')}${filled.length > 5 ? `; and ${filled.length - 5} more` : ''}. Fill them with the real values where you know them`,
    );
  }
  if (imageMeans !== null) {
    const w = imageBrightnessWarning(p.pixelMean, imageMeans);
    if (w) warnings.push(w);
  }
  const refused = inputs.problems.flatMap((x, i) => (x === null ? [] : [p.encoding?.kind === 'image' ? `${inputs.echo[i]![0]!}: ${x}` : x]));
  const classes = byClass.size
    ? [...byClass].sort((a, b) => p.classes.indexOf(a[0]) - p.classes.indexOf(b[0])).map(([name, c]): TestClass => {
        const top = [...c.wrong].sort((a, b) => b[1] - a[1] || p.classes.indexOf(a[0]) - p.classes.indexOf(b[0]))[0];
        return { class: name, n: c.n, correct: c.correct, mistakenFor: top ? { class: top[0], n: top[1] } : null };
      })
    : null;
  return { rows: inputs.n - refused.length, out, score, classes, backend: backend.name, warnings, refused };
}

/**
 * `ecopt export` and the app's "Take this model": a trial's kept model as a folder a person can
 * take away — the model in TensorFlow.js layers format, preprocessing.json, the study file that
 * made it, and a model card saying what it predicts, how good and how frugal it is (with where
 * each energy figure came from), what it was measured on, and how to reproduce and use it.
 */
import { zipSync } from 'fflate';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { readCsvTable } from '../data/csv';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { datasetLabel, targetName, targetUnitsText, type StudySpec } from '../../shared/spec';
import { METRICS, type MetricName, type TrialRecord } from '../../shared/types';
import { UserError } from '../errors';
import { ECOPT_VERSION, type Store, type StudyRow } from '../store/store';
import { fileHashes, type Preprocessing, PREPROCESSING_FILE, WEIGHTS_FILE } from './artifact';
import { keptModelDir } from './keep';
import { builtinTestRows, writeTestSamples } from './samples';
import { workerHost } from '../study/hardware-class';
import { phaseFigures } from '../reports/build';
import { mostAccurateTrial } from '../reports/payback';
import { batchSizeText, methodLabel } from '../reports/render/text';
import { trialCommand } from '../trials/command/runner';
import { shellWord } from '../../shared/shell-word';
import { remeasureVerdict, type Remeasurement } from '../../shared/remeasure';
import { guessOf, littleLearnt, littleLearntText, testClassesOf, testClassesText } from '../../shared/analysis';
import { estimateCaveat } from '../../shared/meter-words';

export interface ExportResult {
  trial: number;
  dir: string;
  files: string[];
  /** `ecopt`: a model ECOpt trained (`ecopt predict` runs it); `command`: what a command trial handed back, in its own format. */
  kind: 'ecopt' | 'command';
  /** Why the default is not the study's most accurate model (its model is not kept here), where it is not. */
  note?: string;
}

/** A window's length to three significant figures, as the energy report prints it (walk 43: 2.504 s on the card, 2.51 s in the report, unexplained). */
function windowTime(s: number): string {
  return si(Number(s.toPrecision(3)), 's');
}

function si(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return 'not measured';
  const abs = Math.abs(v);
  const [k, p] = abs === 0 ? [1, ''] : abs >= 1e3 ? [1e-3, 'k'] : abs >= 1 ? [1, ''] : abs >= 1e-3 ? [1e3, 'm'] : abs >= 1e-6 ? [1e6, 'µ'] : [1e9, 'n'];
  return `${Number((v * k).toPrecision(4))} ${p}${unit}`;
}

/**
 * Where a shared study's models are when they are not here: `ecopt worker` keeps each trial's
 * model on the machine that ran it (its --models-dir), and a study copied from PostgreSQL
 * (`ecopt copy`) records those paths. Says which machine holds which folder and how to get it;
 * null when no complete trial (or not `trialId`) recorded a model.
 */
function modelsElsewhere(store: Store, studyId: number, trialId?: number): string | null {
  const placed = store.getPlacedTrials(studyId, ['complete']).filter((t) => trialId === undefined || t.id === trialId);
  const here = workerHost();
  const recorded = placed
    .map((t) => ({ t, dir: store.getTrialAttrs(t.id).model_dir }))
    .filter((x): x is { t: (typeof placed)[number]; dir: string } => typeof x.dir === 'string' && isAbsolute(x.dir) && x.t.host !== null && x.t.host !== here);
  if (!recorded.length) return null;
  const lines = recorded.slice(0, 5).map(({ t, dir }) => `trial ${t.number}'s is in ${dir} on ${t.host}`);
  const more = recorded.length > 5 ? `, and ${recorded.length - 5} more` : '';
  const { t, dir } = recorded[0]!;
  return `${lines.join('; ')}${more}. A shared study's workers keep each model on the machine that ran the trial (ecopt worker --models-dir): run this command there, or copy that folder to the same path here (e.g. scp -r ${t.host}:${dir} ${dir})`;
}

/** The trial to take away when none is named: the most accurate complete trial that has a kept model, ties to the one using less energy per prediction (as the report and the budget picker choose). */
function defaultTrial(store: Store, trials: TrialRecord[]): TrialRecord | null {
  const kept = trials.filter((t) => t.state === 'complete' && keptModelDir(store, t.id));
  return mostAccurateTrial(kept) ?? kept[0] ?? null;
}

/**
 * Where no trial was named and the most accurate one's model is not on this machine, what was
 * taken instead and how to get that one (walk 43: another model was exported without a word).
 */
function defaultNote(store: Store, study: StudyRow, trials: TrialRecord[], taken: TrialRecord): string | null {
  const best = mostAccurateTrial(trials.filter((t) => t.state === 'complete'));
  if (!best || best.number === taken.number) return null;
  const host = store.getPlacedTrial(best.id)?.host;
  return `the most accurate model, #${best.number}, is not kept on this machine${host ? ` (it ran on ${host})` : ''}, so #${taken.number}, the most accurate with a kept model here, was exported; \`ecopt export ${shellWord(study.name)} --trial ${best.number}\` says where #${best.number}'s model is`;
}

/** `out`: the folder, or how to name it once the trial is known (the default trial is chosen here). */
export function exportModel(store: Store, studyName: string, out: string | ((trial: number) => string), trialNumber?: number): ExportResult {
  const study = store.requireStudy(studyName);
  const trials = store.getTrials(study.id);
  const trial = trialNumber === undefined ? defaultTrial(store, trials) : trials.find((t) => t.number === trialNumber);
  if (!trial) {
    const elsewhere = trialNumber === undefined ? modelsElsewhere(store, study.id) : null;
    throw new UserError(
      elsewhere
        ? `study "${study.name}" has no kept model on this machine: ${elsewhere}`
        : trialNumber === undefined
        ? `study "${study.name}" has no complete trial with a kept model; run \`ecopt tune\` (models are kept unless the study says "models": {"keep": "none"})`
        : `study "${study.name}" has no trial ${trialNumber}; \`ecopt show ${study.name}\` lists them`,
    );
  }
  if (trial.state !== 'complete') throw new UserError(`trial ${trial.number} of "${study.name}" is ${trial.state}: only a complete trial has a model to take away`);
  const from = keptModelDir(store, trial.id);
  if (!from) {
    const elsewhere = modelsElsewhere(store, study.id, trial.id);
    if (elsewhere) throw new UserError(`trial ${trial.number} of "${study.name}" has no kept model on this machine: ${elsewhere}`);
    const attrs = store.getTrialAttrs(trial.id);
    if (typeof attrs.artifact_missing === 'string') throw new UserError(`trial ${trial.number} of "${study.name}" has no kept model: ${attrs.artifact_missing}`);
    if (study.spec.model === 'command' && typeof attrs.reported_artifact !== 'string') {
      throw new UserError(
        `trial ${trial.number} of "${study.name}" has no kept model: its command handed none back. Name the file or folder it saves in its metrics line ("artifact": "out/model.pt", relative to its working folder) and ECOpt keeps it for each trial`,
      );
    }
    throw new UserError(
      `trial ${trial.number} of "${study.name}" has no kept model (${study.spec.models?.keep === 'front' ? 'the study keeps only the front\'s models' : 'it was run before models were kept, or the models folder was moved'}); pick another trial, or re-run it`,
    );
  }
  const outDir = typeof out === 'string' ? out : out(trial.number);
  const note = trialNumber === undefined ? defaultNote(store, study, trials, trial) : null;
  if (study.spec.model === 'command') return { ...exportCommandModel(store, study, trial, from, outDir), ...(note ? { note } : {}) };
  // everything that can refuse is read before the first file is written: a refusal leaves no half-written folder
  if (!existsSync(join(from, PREPROCESSING_FILE))) {
    throw new UserError(`trial ${trial.number} of "${study.name}": its kept model in ${from} has no ${PREPROCESSING_FILE}, so it cannot be used on new inputs; re-run the trial`);
  }
  const preprocessing = JSON.parse(readFileSync(join(from, PREPROCESSING_FILE), 'utf8')) as Preprocessing;
  const heldOut = heldOutRows(preprocessing);
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  let fileSha256: string | null = null;
  for (const f of readdirSync(from)) {
    if (f === WEIGHTS_FILE) {
      // read once: written out and hashed for the model card from the same bytes
      const bytes = readFileSync(join(from, f));
      writeFileSync(join(outDir, f), bytes);
      fileSha256 = createHash('sha256').update(bytes).digest('hex');
    } else if (f === PREPROCESSING_FILE && (preprocessing.heldOut || preprocessing.heldOutImages)) {
      // the held-out rows travel as test-rows.csv, the images as samples/: the copy names the training file or folder, not where it sits on this machine (walk 41)
      const { heldOut: rows, heldOutImages: images } = preprocessing;
      writeFileSync(
        join(outDir, f),
        JSON.stringify({ ...preprocessing, heldOut: rows ? { ...rows, file: basename(rows.file) } : rows, ...(images ? { heldOutImages: { ...images, folder: basename(images.folder) } } : {}) }, null, 2),
      );
    } else copyFileSync(join(from, f), join(outDir, f));
    files.push(join(outDir, f));
  }
  // a study on a bundled table: its test split, as a CSV study's held-out rows are
  const bundled = heldOut ? null : builtinTestRows(study.spec);
  const testRows = heldOut ? preprocessing.heldOut!.lines.length : (bundled?.rows ?? 0);
  if (heldOut || bundled) {
    writeFileSync(join(outDir, 'test-rows.csv'), heldOut ?? bundled!.csv);
    files.push(join(outDir, 'test-rows.csv'));
  }
  // a study on a bundled image set: some of its held-out test images, to try predict on at once;
  // on a folder of images, its held-out test images (up to 500), copied as they are (walk 48)
  const folderSamples = copyHeldOutImages(preprocessing, outDir);
  const samples = folderSamples ? folderSamples.files : writeTestSamples(study.spec, outDir);
  files.push(...samples);
  files.push(writeStudyFile(study.spec, study.name, outDir));
  writeFileSync(join(outDir, 'model-card.md'), modelCard(store, study.id, trial, preprocessing, testRows, samples.length, fileSha256, folderSamples));
  files.push(join(outDir, 'model-card.md'));
  return { trial: trial.number, dir: outDir, files, kind: 'ecopt', ...(note ? { note } : {}) };
}

function writeStudyFile(spec: StudySpec, name: string, outDir: string): string {
  writeFileSync(join(outDir, 'study.json'), `${JSON.stringify({ ...spec, name }, null, 2)}\n`);
  return join(outDir, 'study.json');
}

/** The files ECOpt itself writes beside a command's model. */
const COMMAND_EXPORT_FILES = ['study.json', 'params.json', 'model-card.md'];

/**
 * A command trial's model: what its command handed back as `artifact` (a file or a folder), as
 * ECOpt kept it, under its own name; the trial's parameters as `params.json` (what
 * `{params_file}` pointed to); the study file; and a model card with the command line that made
 * it. ECOpt does not read the model: it is in whatever format the script wrote.
 */
function exportCommandModel(store: Store, study: StudyRow, trial: TrialRecord, from: string, outDir: string): ExportResult {
  const reported = store.getTrialAttrs(trial.id).reported_artifact;
  const reportedName = typeof reported === 'string' ? basename(reported.replace(/[\\/]+$/, '')) : '';
  const kept = readdirSync(from);
  // keepModel copies a file artifact into the folder under its own name, and a folder artifact's contents as the folder
  const isFile = kept.length === 1 && kept[0] === reportedName && statSync(join(from, reportedName)).isFile();
  const free = (name: string) => name !== '' && !COMMAND_EXPORT_FILES.includes(name);
  const into = isFile ? (free(reportedName) ? outDir : join(outDir, 'artifact')) : join(outDir, free(reportedName) ? reportedName : 'artifact');
  mkdirSync(into, { recursive: true });
  cpSync(from, into, { recursive: true });
  const hashes = Object.entries(fileHashes(from)).map(([rel, sha256]) => {
    const f = join(into, ...rel.split('/'));
    return { path: f, file: relative(outDir, f).split(sep).join('/'), bytes: statSync(f).size, sha256 };
  });
  const files = hashes.map((h) => h.path);
  writeFileSync(join(outDir, 'params.json'), `${JSON.stringify(trial.params, null, 2)}\n`);
  files.push(join(outDir, 'params.json'));
  files.push(writeStudyFile(study.spec, study.name, outDir));
  writeFileSync(join(outDir, 'model-card.md'), commandModelCard(store, study, trial, typeof reported === 'string' ? reported : null, hashes));
  files.push(join(outDir, 'model-card.md'));
  return { trial: trial.number, dir: outDir, files, kind: 'command' };
}

/** The held-out test rows of a CSV study, as CSV with the header, when the file is still there. */
/**
 * A folder study's held-out test images, copied into `samples/<class>/` as they are: `predict` on
 * that folder gives the test accuracy. Null where the model recorded none, or its folder is gone
 * from this machine; `missing` counts the images no longer there.
 */
export function copyHeldOutImages(p: Preprocessing, outDir: string): { files: string[]; missing: number; of: number; capped: boolean } | null {
  const held = p.heldOutImages;
  if (!held || !existsSync(held.folder)) return null;
  const files: string[] = [];
  let missing = 0;
  let bytes = 0;
  let capped = false;
  // the held-out list is shuffled (split.ts), so a prefix is a sample across the classes; a large
  // folder's test part would make the app's download (one zip, base64) too large to hand back whole
  for (const rel of held.files) {
    if (files.length >= MAX_SAMPLE_IMAGES || bytes >= MAX_SAMPLE_BYTES) {
      capped = true;
      break;
    }
    const from = join(held.folder, rel);
    if (!existsSync(from)) {
      missing++;
      continue;
    }
    bytes += statSync(from).size;
    const to = join(outDir, 'samples', rel);
    mkdirSync(join(to, '..'), { recursive: true });
    copyFileSync(from, to);
    files.push(to);
  }
  return { files, missing, of: held.files.length, capped };
}

/** At most this many held-out images, and about this many bytes, are handed back in `samples/`. */
const MAX_SAMPLE_IMAGES = 500;
const MAX_SAMPLE_BYTES = 50 * 1024 * 1024;

function heldOutRows(p: Preprocessing): string | null {
  if (!p.heldOut || !existsSync(p.heldOut.file)) return null;
  const { columns, rows } = readCsvTable(p.heldOut.file);
  const byLine = new Map(rows.map((r) => [r.line, r.cells]));
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const out = [columns.map(cell).join(',')];
  for (const line of p.heldOut.lines) {
    const cells = byLine.get(line);
    if (!cells) return null; // the file changed since training: better none than the wrong rows
    out.push(cells.map(cell).join(','));
  }
  return `${out.join('\n')}\n`;
}

/**
 * What every model card says of a trial, built-in or command: how good and how frugal it is (each
 * energy figure with how it was obtained, as the energy report says it: measured by which counter
 * or estimated by which model, ± how much; inference with its spread between repeats), where each
 * domain's figure came from, the warnings raised, and the machine that trained and measured it.
 * `command`: the quality figures are what a command reported, on a split ECOpt does not know.
 */
function trialFacts(store: Store, studyId: number, trial: TrialRecord, command = false): string[] {
  const attrs = store.getTrialAttrs(trial.id);
  const units = targetUnitsText(targetName(store.getStudy(studyId)!.spec));
  const windows = store.getWindows({ trialId: trial.id });
  // the machine that trained and measured this trial, where recorded: its host, and its hardware
  // class's inventory rather than the study's (a shared study's is its first worker's)
  const placed = store.getPlacedTrial(trial.id);
  const recorded = placed?.hardwareClass ? store.getHardwareClasses(studyId).find((c) => c.classId === placed.hardwareClass)?.inventory : undefined;
  const { meters_json: _meters, label: classLabel, ...classInventory } = recorded ?? {};
  const hardware = recorded ? classInventory : store.getHardware(studyId);
  const machine = [
    ...(placed?.host ? [`- host: ${placed.host}`] : []),
    ...(placed?.hardwareClass ? [`- hardware class: ${placed.hardwareClass}${classLabel ? ` (${classLabel})` : ''}`] : []),
    ...Object.entries(hardware).map(([k, v]) => `- ${k.replace(/_/g, ' ')}: ${v}`),
  ];
  const spread = (attrs.energy_spread_rel ?? {}) as Record<string, number>;
  const m = trial.metrics;
  const history = (attrs.remeasured ?? []) as Remeasurement[];
  const remeasured = history.length ? remeasureVerdict({ originalJ: m.infer_energy_j_per_sample ?? null, againJ: history.map((h) => h.jPerSample) }, (j) => si(j, 'J')) : null;
  const provenance = [...new Map(windows.flatMap((w) => w.domains.map((d) => [d.domain, d.provenance] as const))).entries()].map(([domain, pr]) =>
    pr.method === 'measured' ? `${domain}: measured by ${pr.source} (${pr.counter})` : `${domain}: estimated by ${pr.source}, model ${pr.model}, ±${Math.round(pr.uncertaintyRel * 100)}%${estimateCaveat(pr.inputs)}`,
  );
  const flags = [...new Set(windows.flatMap((w) => (w.flags ?? []).map((f) => `${w.phase}: ${f.kind} — ${f.message}`)))];
  // a unitless figure (a loss, an RMSE in the target's units) as a plain number: "0.1242", not "124.2 m"
  const plain = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(4))));
  const metric = (name: MetricName, unit: string) =>
    m[name] === undefined ? null : `| ${METRICS[name].label} | ${unit === 'fraction' ? `${(m[name]! * 100).toFixed(2)}%` : unit === '' ? plain(m[name]!) : si(m[name], unit)} |`;
  const reported = (label: string, v: number | undefined, text: (x: number) => string) => (v === undefined ? null : `| ${label} (as your command reported it) | ${text(v)} |`);
  // each energy figure says how it was obtained, as the energy report does: measured (which
  // counter) or estimated (which model, ± how much); inference adds its spread between repeats
  const trainW = windows.find((x) => x.phase === 'train');
  const inferW = windows.find((x) => x.phase === 'infer');
  const train = trainW ? phaseFigures(trainW, null, '') : null;
  const infer = inferW ? phaseFigures(inferW, null, '') : null;
  const how = (p: typeof train, repeats?: number | null) =>
    `${p ? ` — ${methodLabel(p)}` : ''}${repeats === null ? '; spread between repeats not measured' : repeats !== undefined ? `; spread between blocks of repeats ±${(repeats * 100).toFixed(0)}%` : ''}`;
  const inferHow = infer === null ? 'was not measured' : infer.method === 'measured' ? 'was measured' : infer.method === 'estimated' ? 'was estimated, not measured,' : 'was partly measured, partly estimated,';
  const setSize = typeof attrs.infer_repeats === 'number' && attrs.infer_repeats > 0 && inferW?.samples ? Math.round(inferW.samples / attrs.infer_repeats) : null;
  const testGuess = guessOf(attrs, 'test');
  const batching = typeof attrs.infer_batch_size === 'number' ? ` in batches of ${batchSizeText(attrs.infer_batch_size, setSize)}` : '';
  // walk 47: a service predicting one row per request spent 100× the card's per-prediction figure in CPU time
  const batchOf = typeof attrs.infer_batch_size === 'number' ? Math.min(attrs.infer_batch_size, setSize !== null && setSize > 0 ? setSize : Infinity) : null;
  const oneByOne =
    batchOf !== null && batchOf > 1
      ? ` The figures per prediction hold for predictions made in batches this size: a service that predicts one input per call spends more on each, since every call has a fixed cost beside the model's own arithmetic; a study with \`"trial": {"inferBatchSize": 1}\` in its study file measures that case.`
      : '';
  const table = [
    '| figure | value |',
    '|---|---|',
    ...[
      ...(command
        ? [
            reported('Accuracy', m.accuracy, (v) => `${(v * 100).toFixed(2)}%`),
            // its test figure too, as show, the explorer and the report give it (walk 50)
            reported('Test accuracy', typeof attrs.reported_test_accuracy === 'number' ? attrs.reported_test_accuracy : undefined, (v) => `${(v * 100).toFixed(2)}%, on data ECOpt does not know`),
            reported('Loss', m.loss, plain),
            reported('Root-mean-square error', m.rmse, plain),
          ]
        : [
            m.accuracy !== undefined ? `| Accuracy (validation: the part of the data used to choose among trials) | ${(m.accuracy * 100).toFixed(2)}% |` : null,
            attrs.test_accuracy !== undefined ? `| Test accuracy (held-out) | ${((attrs.test_accuracy as number) * 100).toFixed(2)}%${testGuess !== null ? ` (always answering the most frequent class: ${(testGuess * 100).toFixed(2)}%)${littleLearnt(attrs.test_accuracy as number, testGuess) ? `; ${littleLearntText(attrs.test_accuracy as number, testGuess)}` : ''}` : ''} |` : null,
            // class by class (walk 49: a model good on average missed the class that mattered)
            testClassesOf(attrs) ? `| Test examples right, class by class | ${testClassesText(testClassesOf(attrs)!).replace(/\|/g, '\\|')} |` : null,
            m.rmse !== undefined ? `| RMSE (validation: the part of the data used to choose among trials), ${units} | ${plain(m.rmse)} |` : null,
            attrs.test_rmse !== undefined ? `| Test RMSE (held-out), ${units} | ${plain(attrs.test_rmse as number)} |` : null,
            m.loss !== undefined ? `| ${m.rmse !== undefined ? "Loss (validation: mean squared error on the target scaled to mean 0 and sd 1, as the model was trained)" : 'Loss (validation)'} | ${plain(m.loss)} |` : null,
          ]),
      m.infer_energy_j_per_sample !== undefined ? `| Energy per prediction (this model's own share) | ${si(m.infer_energy_j_per_sample, 'J')}${how(infer, spread.infer_energy_j_per_sample ?? null)} |` : null,
      // the re-measurements travel with the model too (walk 40: only the report had them)
      remeasured ? `| Energy per prediction, re-measured since | ${remeasured.text} |` : null,
      m.infer_energy_gross_j_per_sample !== undefined ? `| Energy per prediction, whole machine | ${si(m.infer_energy_gross_j_per_sample, 'J')} |` : null,
      m.train_energy_j !== undefined ? `| Training energy (own share) | ${si(m.train_energy_j, 'J')}${how(train)} |` : null,
      m.train_duration_s !== undefined
        ? `| ${METRICS.train_duration_s.label} | ${si(m.train_duration_s, 's')}${trainW && windowTime(trainW.durationS) !== si(m.train_duration_s, 's') ? ` (training energy measured over ${windowTime(trainW.durationS)}, the window around it, as the energy report gives it)` : ''} |`
        : null,
      metric('infer_latency_s_per_sample', 's'),
      metric('param_count', ''),
      metric('flops_per_inference', 'FLOP'),
    ].filter((x): x is string => x !== null),
  ];
  const energy = [
    `Inference energy ${inferHow}${inferW?.samples ? ` over ${inferW.samples} predictions${batching}` : ''} on the \`${trial.backend ?? 'unrecorded'}\` backend.${oneByOne} Where each figure came from:`,
    '',
    ...provenance.map((x) => `- ${x}`),
    ...(attrs.attribution ? [`- attribution to this model: ${String(attrs.attribution)}`] : []),
    ...(flags.length ? ['', 'Warnings raised while it was measured:', '', ...flags.map((f) => `- ${f}`)] : []),
  ];
  // the figures, where they came from, and the machine: the same in every card
  return [...table, '', ...energy, '', '## Measured on', '', ...machine, ''];
}

/** "`lr=0.01`, `units=64`": a trial's parameters as a card lists them. */
function paramList(trial: TrialRecord): string {
  return Object.entries(trial.params)
    .map(([k, v]) => `\`${k}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v}\``)
    .join(', ');
}

function commandModelCard(store: Store, study: StudyRow, trial: TrialRecord, reported: string | null, files: { file: string; bytes: number; sha256: string }[]): string {
  const command = study.spec.command!;
  const facts = trialFacts(store, study.id, trial, true);
  const named = store.getTrialAttrs(trial.id).command_files;
  const scripts = named && typeof named === 'object' ? (named as Record<string, string>) : {};
  // the command line as the trial ran it, {params_file} being the params.json exported beside it
  const { argv, env: added } = trialCommand(command, trial.params, 'params.json', trial.number);
  const env = Object.entries(added).map(([k, v]) => `${k}=${shellWord(v)}`);
  return [
    `# Model card — ${study.name}, trial ${trial.number}`,
    '',
    `Exported by ECOpt ${ECOPT_VERSION} on ${new Date().toISOString()}.`,
    '',
    '## What it is',
    '',
    `The model your training command handed back${reported ? ` as its artifact (\`${reported}\`, named in its metrics line)` : ''}, as ECOpt kept it when the trial completed:`,
    '',
    ...files.map((f) => `- \`${f.file}\` (${si(f.bytes, 'B')}), SHA-256 \`${f.sha256}\``),
    '',
    'ECOpt does not read it: it is in the format your script wrote, and your script (or the library it used) loads it. `ecopt predict` runs only the models ECOpt trains itself.',
    '',
    '## How good, how frugal',
    '',
    'Quality as the command reported it (on whichever part of its data it chose), energy and time as ECOpt measured the command while it ran:',
    '',
    ...facts,
    '## How to reproduce it',
    '',
    `Trial ${trial.number} of \`study.json\` (seed ${study.spec.seed}) ran, in \`${command.cwd ?? '.'}\`, with parameters ${paramList(trial)} (also in \`params.json\` here):`,
    '',
    '```sh',
    `env ${env.join(' ')} \\`,
    `  ${argv.map(shellWord).join(' ')}`,
    '```',
    '',
    `Run it in that folder, with \`params.json\` copied there (or its path in its place); it writes what your script writes there (its artifact${reported ? `, \`${reported}\`` : ''}), replacing what is there. Whether it makes the same model again is your script's to say (its own seeding); energy and time are measurements and will differ.`,
    ...(Object.keys(scripts).length
      ? [
          '',
          'The files the command line names in that folder, as they were when the trial started (check them with `sha256sum` before re-running: a changed script makes another model):',
          '',
          ...Object.entries(scripts).map(([f, h]) => `- \`${f}\`: ${/^[0-9a-f]{64}$/.test(h) ? `SHA-256 \`${h}\`` : h}`),
        ]
      : []),
    '',
  ].join('\n');
}

function modelCard(
  store: Store,
  studyId: number,
  trial: TrialRecord,
  p: Preprocessing,
  /** How many held-out test rows travel as `test-rows.csv` (0: none). */
  testRows: number,
  samples = 0,
  fileSha256: string | null = null,
  folderSamples: { missing: number; of: number; capped: boolean } | null = null,
): string {
  const study = store.getStudy(studyId)!;
  const attrs = store.getTrialAttrs(trial.id);
  const facts = trialFacts(store, studyId, trial);
  const enc = p.encoding;
  const inputs =
    enc?.kind === 'tabular'
      ? `rows of a CSV file with the columns ${enc.columns.map((c) => `\`${c.column}\``).join(', ')}${enc.target ? ` (the target \`${enc.target}\` may be present: predict then scores the model)` : ''}${enc.ignored?.length ? `; ${enc.ignored.map((c) => `\`${c}\``).join(', ')} may be present too, and is not used (an identifier, left out in training)` : ''}`
      : enc?.kind === 'image'
        ? `images (any size; resized to ${enc.size}×${enc.size}, ${enc.channels === 1 ? 'greyscale' : 'RGB'})`
        : 'the data set it was trained on';
  return [
    `# Model card — ${study.name}, trial ${trial.number}`,
    '',
    `Exported by ECOpt ${ECOPT_VERSION} on ${new Date().toISOString()}.`,
    '',
    '## What it predicts',
    '',
    p.task === 'classification' ? `A ${p.classes.length}-class classifier: ${p.classes.map((c) => `\`${c}\``).join(', ')}.` : 'A regression model: it predicts a number in the target\'s units.',
    `Trained on ${datasetLabel(study.spec)}; it takes ${inputs}.`,
    `Data fingerprint (SHA-256 of the data set as loaded, features and labels): \`${p.dataSha256}\`.`,
    '',
    '## How good, how frugal',
    '',
    ...facts,
    '## How to reproduce it',
    '',
    `\`study.json\` is the study that made it: seed ${study.spec.seed}, trial ${trial.number}, parameters ${paramList(trial)}. Training is a pure function of the study file, the seed, the trial number and parameters, and the backend: retraining trial ${trial.number} with this seed on the \`${trial.backend ?? 'wasm'}\` backend reproduces these weights bit for bit (SHA-256 of the weights' values, each array with its type and shape, as ECOpt records it after training: \`${String(attrs.weights_sha256 ?? 'not recorded')}\`), see the README's "Reproducible training". Energy and time are measurements and will differ.`,
    ...(fileSha256 ? ['', `SHA-256 of the file \`${WEIGHTS_FILE}\` as exported (what \`sha256sum ${WEIGHTS_FILE}\` prints): \`${fileSha256}\`.`] : []),
    '',
    '## How to use it',
    '',
    '```sh',
    `npx ecopt predict <this folder> ${enc?.kind === 'image' ? (samples ? '<this folder>/samples' : '<a folder of images>') : testRows ? '<this folder>/test-rows.csv' : 'new-rows.csv'} --out predictions.csv`,
    '```',
    '',
    // walk 42: run from the folder of the download, npx looked for a package "ecopt" on the registry
    `Run it in the folder ECOpt is installed in (where \`npm install\` was run), giving this folder's path; or run \`npm link\` there once, and then \`ecopt predict …\` (without \`npx\`) works in any folder. Elsewhere \`npx ecopt\` looks for a package named ecopt on the npm registry, and fails.`,
    '',
    ...(enc?.kind === 'image'
      ? [
          `Give it a folder of images (PNG, JPEG, WebP, GIF or TIFF; subfolders named after a class are scored against it). ${
            'builtin' in (study.spec.dataset ?? {})
              ? 'Like the bundled digits it learnt from, an image must show a light digit on a dark background: a dark-on-light image (a pen on paper) has to be inverted first, or the model guesses.'
              : 'Images should look like the training images (the same kind of background and framing).'
          }`,
          '',
        ]
      : []),
    ...(samples
      ? [
          folderSamples
            ? `\`samples/\` holds ${samples < folderSamples.of ? `${samples} of the ${folderSamples.of}` : `the ${samples}`} held-out test images the model never trained on, copied from the study's folder, in one subfolder per class: \`ecopt predict\` on it ${
                samples < folderSamples.of
                  ? `scores the model (${[folderSamples.missing ? `${folderSamples.missing} are no longer in the folder` : '', folderSamples.capped ? 'the whole set is too large to hand back: these are a random sample of it' : ''].filter(Boolean).join('; ')}), so the score may differ from the test accuracy above`
                  : 'gives the test accuracy above'
              }.`
            : `\`samples/\` holds ${samples} held-out test images the model never trained on, in one subfolder per class: \`ecopt predict\` on it scores the model.`,
          '',
        ]
      : []),
    ...(testRows
      ? [`\`test-rows.csv\` holds the ${testRows} held-out test rows the model never trained on: \`ecopt predict\` on them gives the test ${p.task === 'regression' ? 'RMSE' : 'accuracy'} above.`, '']
      : []),
    'The model is in TensorFlow.js layers format: `tf.loadLayersModel` reads `model.json` (with `weights.bin` beside it). With `@tensorflow/tfjs-node` give it `file://` and the path; plain `@tensorflow/tfjs` in Node cannot read files, so hand it the two files (an ES module, e.g. `load.mjs`, run in this folder):',
    '',
    '```js',
    '// npm install @tensorflow/tfjs@4 (ECOpt trained it with TensorFlow.js 4)',
    "import * as tf from '@tensorflow/tfjs';",
    "import { readFileSync } from 'node:fs';",
    "const { modelTopology, weightsManifest } = JSON.parse(readFileSync('model.json', 'utf8'));",
    "const weightData = new Uint8Array(readFileSync('weights.bin')).buffer;",
    'const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs: weightsManifest.flatMap((g) => g.weights), weightData }));',
    '```',
    '',
    ...(enc?.kind === 'image'
      ? [
          `Prepare inputs as \`preprocessing.json\` says: resize, then divide each pixel by 255.${p.task === 'regression' ? ' Multiply the output by `targetScale.sd` and add `targetScale.mean`.' : ' The output is one probability per class, in the order of `classes`: the prediction is the largest.'}`,
          '',
        ]
      : tabularSteps(p.task)),
  ].join('\n');
}

/**
 * A CSV model's preparation, step by step, as `ecopt predict` does it (walk 47: a loader written
 * from one sentence crashed on the exported test rows' "NA", and encoded an unseen category as
 * all zeros, where predict refuses it).
 */
function tabularSteps(task: 'classification' | 'regression'): string[] {
  return [
    'Prepare each row as `preprocessing.json` says; this is what `ecopt predict` does:',
    '',
    "1. Take the columns by their header names, in any order: `encoding.columns` lists, in order, those the model takes; the target and the columns in `encoding.ignored` may be there and are not used.",
    '2. A cell is missing when it is empty or, ignoring case and surrounding spaces, `NA`, `N/A`, `NaN` or `?`; in a numeric column `null` and `none` too (in a categorical column those two are categories). A missing cell takes the column\'s `fill`: a numeric column\'s mean over the training rows, a categorical column\'s most frequent category.',
    '3. A number as it is. A category, its surrounding spaces trimmed and its case as written, becomes one feature per entry of `categories`, in that order: 1 for its own, 0 for the others. A category not in the list cannot be encoded: refuse the row, as `ecopt predict` does (a row of all zeros would get an answer, and a meaningless one).',
    '4. Subtract `featureScale.mean` and divide by `featureScale.sd`, feature by feature (the mean here is the encoded feature\'s, computed apart from `fill`: they agree but for the last digits; use each in its own step). `ecopt predict` rounds each value to 32-bit floats, scales it in double precision and rounds it to 32 bits again; done the same way, its probabilities are reproduced to their 6 printed decimals but for an occasional last digit (its own cpu and wasm backends differ there too).',
    task === 'regression'
      ? '5. The output is the prediction in standardised units: multiply it by `targetScale.sd` and add `targetScale.mean`.'
      : '5. The output is one probability per class, in the order of `classes`: the prediction is the largest.',
    '',
  ];
}

/** The exported folder of a trial as one .zip, for a browser download ("Take this model"). */
export function zippedModel(store: Store, studyName: string, trialNumber: number): { name: string; mimeType: 'application/zip'; base64: string; files: string[]; kind: ExportResult['kind'] } {
  const dir = mkdtempSync(join(tmpdir(), 'ecopt-export-'));
  try {
    const r = exportModel(store, studyName, dir, trialNumber);
    // every file, samples/<class>/ included
    const entries = Object.fromEntries(r.files.map((f) => [`${safeName(studyName)}-trial-${r.trial}/${relative(dir, f).split(sep).join('/')}`, new Uint8Array(readFileSync(f))]));
    const zip = zipSync(entries, { level: 6 });
    return { name: `${safeName(studyName)}-trial-${r.trial}.zip`, mimeType: 'application/zip', base64: Buffer.from(zip).toString('base64'), files: Object.keys(entries), kind: r.kind };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_');
}

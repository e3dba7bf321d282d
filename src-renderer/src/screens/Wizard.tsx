/**
 * The new-study wizard, in plain language: data (a bundled set, a CSV file, a folder of images,
 * or your own training script) → model and search → what matters and the limits → review and
 * run. Every box is checked as it is typed and every message names the box as the screen labels
 * it, in its unit; the whole study file is then checked by the same rules as the CLI's.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { StudySpecInput } from '../../../src-main/shared/spec';
import { parseStudySpec, targetUnitsText } from '../../../src-main/shared/spec';
import type { DatasetSummaryView, StudySummary } from '../../../src-main/shared/types';
import type { Response } from '../../../src-main/shared/contract';
import { MODEL_FAMILIES, type FamilyParam, type ModelFamily } from '../../../src-main/shared/models';
import { call } from '../client';
import { METRICS } from '../format';
import { PathField } from '../PathField';
import { useUi } from '../state';
import { durationLine, estimateMinutes, fieldIssue, freeName, labelSpecIssue, placeholders, presetText, splitCommand, type FieldIssue } from '../wizard-rules';

type Preset = 'quick' | 'standard' | 'thorough';
type Source = 'digits' | 'iris' | 'csv' | 'images' | 'command';
type Space = NonNullable<StudySpecInput['space']>;
interface RangeDraft {
  /** 'categorical': one of a list, typed in `choices` (a command's parameters only; walk 50: an optimiser's name could not be searched). */
  type: 'float' | 'int' | 'categorical';
  low: string;
  high: string;
  log: boolean;
  choices?: string;
}

/** A list typed as "adam, sgd" or "32, 64, 128": its entries, numbers where every one is a number. */
function choicesOf(text: string | undefined): (string | number)[] {
  const items = (text ?? '').split(',').map((c) => c.trim()).filter((c) => c !== '');
  return items.every((c) => Number.isFinite(Number(c))) ? items.map(Number) : items;
}
type MachineRuns = Response<'machine.runs'>['runs'];

const PRESETS: Preset[] = ['quick', 'standard', 'thorough'];
const STEPS = ['Data', 'Model and search', 'What matters', 'Review and run'];

function DatasetPreview({ d }: { d: DatasetSummaryView }) {
  if ('images' in d.preview) {
    // in the classes' order (the summary's line above), each labelled with its class
    const order = new Map(d.classes.map((c, i) => [c.name, i]));
    const images = [...d.preview.images].sort((a, b) => (order.get(a.label) ?? order.size) - (order.get(b.label) ?? order.size));
    const eachClass = d.classes.length > 0 && images.length === d.classes.length && images.every((img, i) => img.label === d.classes[i]!.name);
    return (
      <>
        <p className="muted small">{eachClass ? 'One image of each class:' : 'A few of the images:'}</p>
        <div className="thumbs" data-testid="preview-images">
          {images.map((img, i) => (
            <figure key={i}>
              <svg width={Math.max(42, img.width * 3)} height={Math.max(42, img.height * 3)} viewBox={`0 0 ${img.width} ${img.height}`} role="img" aria-label={`an image of class ${img.label}`}>
                {img.pixels.map((p, k) => (
                  <rect key={k} x={k % img.width} y={Math.floor(k / img.width)} width={1} height={1} fill={`rgb(${p},${p},${p})`} />
                ))}
              </svg>
              <figcaption>{img.label}</figcaption>
            </figure>
          ))}
        </div>
      </>
    );
  }
  return (
    // a region the keyboard can scroll, for files wider than the window
    <div className="table-scroll" data-testid="preview-table" tabIndex={0} role="region" aria-label="Preview of the file">
      <table className="small">
        <caption className="muted">The first rows, as written in the file</caption>
        <thead>
          <tr>
            {d.preview.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {d.preview.rows.map((r, i) => (
            // bundled sets hold 32-bit floats: 7 significant digits is every digit they have
            <tr key={i}>{r.map((v, j) => <td key={j}>{typeof v === 'number' ? String(Number(v.toPrecision(7))) : v}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Issues({ issues, testId = 'spec-issues' }: { issues: FieldIssue[]; testId?: string }) {
  if (!issues.length) return null;
  return (
    <div className="error" role="alert" data-testid={testId}>
      <p className="issues-title">{issues.length === 1 ? 'One thing to fix:' : `${issues.length} things to fix:`}</p>
      <ul>
        {issues.map((i) => (
          <li key={`${i.label}:${i.message}`}>
            <b>{i.label}</b>: {i.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Field({ label, children, hint }: { label: ReactNode; children: ReactNode; hint?: ReactNode }) {
  return (
    <label className="choice">
      {label} {children} {hint}
    </label>
  );
}

/** The energy limit's units, in joules. */
const ENERGY_UNITS = { 'µJ': 1e-6, mJ: 1e-3, J: 1 } as const;
type EnergyUnit = keyof typeof ENERGY_UNITS;

const safeName = (s: string) => s.replace(/[^\w.\- ]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100) || 'my-study';
const baseName = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? p;

export function WizardScreen() {
  const { go, setError } = useUi();
  const [step, setStep] = useState(0);
  const [datasets, setDatasets] = useState<DatasetSummaryView[]>([]);
  const [studies, setStudies] = useState<StudySummary[]>([]);
  const [source, setSource] = useState<Source>('digits');
  const [csvPath, setCsvPath] = useState('');
  const [csv, setCsv] = useState<Response<'datasets.inspect'> | null>(null);
  const [imgPath, setImgPath] = useState('');
  const [imgSize, setImgSize] = useState('28');
  const [imgChannels, setImgChannels] = useState<1 | 3>(1);
  const [images, setImages] = useState<Response<'datasets.inspectImages'> | null>(null);
  const [imageModel, setImageModel] = useState<'cnn' | 'mlp'>('cnn');
  const [reading, setReading] = useState(false);
  const [readProblem, setReadProblem] = useState<string | null>(null);
  const [cmdLine, setCmdLine] = useState('');
  const [cmdCwd, setCmdCwd] = useState('');
  const [preset, setPreset] = useState<Preset>('quick');
  const [presets, setPresets] = useState<Record<Preset, StudySpecInput> | null>(null);
  const [ranges, setRanges] = useState<Record<string, RangeDraft>>({});
  const [trials, setTrials] = useState('');
  const [minutes, setMinutes] = useState('');
  const [idle, setIdle] = useState('');
  const [trainingEnergy, setTrainingEnergy] = useState(false);
  const [maxMj, setMaxMj] = useState('');
  // the energy limit's unit (walk 50: mJ only; a budget of 200 µJ had to be typed 0.2)
  const [energyUnit, setEnergyUnit] = useState<EnergyUnit>('mJ');
  const [minAcc, setMinAcc] = useState('');
  // a regression's limit on its error, in the target's units (walk 41: the wizard offered none)
  const [maxRmse, setMaxRmse] = useState('');
  const [name, setName] = useState<string | null>(null);
  const [concurrent, setConcurrent] = useState<MachineRuns | null>(null);
  const [starting, setStarting] = useState(false);

  const loadStudies = () => call('studies.list', {}).then(setStudies, (e: Error) => setError(e.message));
  useEffect(() => {
    call('datasets.list', {}).then(setDatasets, (e: Error) => setError(e.message));
    // once, on opening the wizard
    void loadStudies();
  }, []);

  // the presets of the model family the data calls for; a CSV or a script starts from the table preset
  const presetDataset = source === 'digits' || source === 'images' ? 'digits' : 'iris';
  const presetModel = source === 'images' ? imageModel : 'mlp';
  // the user's own data: its size sets the epochs (a small set gets more, as cheap), once it is read
  const ownRows = source === 'csv' ? csv?.summary?.rows : source === 'images' ? images?.summary?.rows : undefined;
  useEffect(() => {
    Promise.all(PRESETS.map((p) => call('spec.preset', { dataset: presetDataset, preset: p, model: presetModel, ...(ownRows ? { rows: ownRows } : {}) }))).then(
      (specs) => setPresets(Object.fromEntries(PRESETS.map((p, i) => [p, specs[i] as StudySpecInput])) as Record<Preset, StudySpecInput>),
      (e: Error) => setError(e.message),
    );
  }, [presetDataset, presetModel, ownRows, setError]);

  const base = presets?.[preset] ?? null;
  // a preset sets the ranges, the number of models and the idle measurement; the user's edits start from there
  useEffect(() => {
    if (!base) return;
    setTrials(String(base.trials));
    setIdle(String(base.meters?.idleBaselineS ?? 10));
    if (source === 'command') return;
    const next: Record<string, RangeDraft> = {};
    for (const [k, p] of Object.entries(base.space ?? {})) if (p.type === 'float' || p.type === 'int') next[k] = { type: p.type, low: String(p.low), high: String(p.high), log: p.log ?? false };
    setRanges(next);
  }, [base, source]);

  // a script's parameters are the {names} in its command line
  const argv = useMemo(() => splitCommand(cmdLine), [cmdLine]);
  const cmdParams = useMemo(() => (argv.ok ? placeholders(argv.argv) : { names: [], bad: [] }), [argv]);
  useEffect(() => {
    if (source !== 'command') return;
    setRanges((old) => Object.fromEntries(cmdParams.names.map((n) => [n, old[n] ?? { type: 'float', low: '', high: '', log: false }])));
  }, [source, cmdParams]);

  const summary: DatasetSummaryView | undefined =
    source === 'csv' ? (csv?.summary ?? undefined) : source === 'images' ? images?.summary : source === 'command' ? undefined : datasets.find((d) => d.name === source);
  const regression = source === 'csv' && csv?.summary?.task === 'regression';

  const readCsv = (path: string, target?: string) => {
    setReading(true);
    return call('datasets.inspect', { csv: path, ...(target ? { target } : {}) })
      .then(
        (r) => {
          setCsv(r);
          setCsvPath(r.path);
          setSource('csv');
          setReadProblem(null);
        },
        (e: Error) => setReadProblem(e.message),
      )
      .finally(() => setReading(false));
  };
  const readImages = (path: string) => {
    const size = Number(imgSize);
    setReading(true);
    return call('datasets.inspectImages', { images: path, ...(Number.isInteger(size) && size >= 4 && size <= 256 ? { size } : {}), channels: imgChannels })
      .then(
        (r) => {
          setImages(r);
          setImgPath(r.path);
          setSource('images');
          setReadProblem(null);
        },
        (e: Error) => setReadProblem(e.message),
      )
      .finally(() => setReading(false));
  };

  // ---- every box, checked as typed, in the words and units on the screen ----
  const issuesByStep = useMemo(() => {
    const s: FieldIssue[][] = [[], [], [], []];
    // after a read that failed, the box says to mend what the read said, not to press "Read it" (walk 48: it had been)
    const unread = (what: string) => (readProblem ? `fix what reading the ${what} reported, then press "Read it" again` : `choose the ${what} and press "Read it" first`);
    if (source === 'csv' && !csv) s[0]!.push({ label: 'A CSV file of your own', message: unread('file') });
    if (source === 'csv' && csv && csv.target === null) s[0]!.push({ label: 'Column to predict', message: 'choose the column the models should predict' });
    if (source === 'images' && !images) s[0]!.push({ label: 'A folder of images of your own', message: unread('folder') });
    if (source === 'images') {
      const size = fieldIssue('Resize images to', imgSize, { integer: true, min: 4, max: 256, unit: 'pixels' });
      if (size) s[0]!.push(size);
    }
    if (source === 'command') {
      if (!cmdLine.trim()) s[1]!.push({ label: 'Command line', message: 'enter the command that trains one model, e.g. python3 train.py --lr {lr}' });
      else if (!argv.ok) s[1]!.push({ label: 'Command line', message: argv.error });
      else if (cmdParams.bad.length) s[1]!.push({ label: 'Command line', message: `${cmdParams.bad.map((b) => `{${b}}`).join(', ')}: write parameter names in lower case with underscores, e.g. {learning_rate}` });
      else if (!cmdParams.names.length) s[1]!.push({ label: 'Command line', message: 'name at least one parameter to search in braces, e.g. --lr {lr}' });
      if (!cmdCwd.trim()) s[1]!.push({ label: 'Run it in the folder', message: 'choose the folder your script runs in (where train.py is)' });
    }
    for (const [param, r] of Object.entries(ranges)) {
      if (r.type === 'categorical') {
        const list = choicesOf(r.choices);
        if (list.length < 2) s[1]!.push({ label: `${param}, choices`, message: `give at least two choices, separated by commas, e.g. adam, sgd${list.length === 1 ? ` (for ${list[0]} alone, write it into the command line instead of {${param}})` : ''}` });
        else if (new Set(list.map(String)).size < list.length) s[1]!.push({ label: `${param}, choices`, message: 'each choice once: remove the repeated one' });
        continue;
      }
      const integer = r.type === 'int';
      const low = fieldIssue(`${param}, From`, r.low, { integer });
      const high = fieldIssue(`${param}, To`, r.high, { integer });
      if (low) s[1]!.push(low);
      if (high) s[1]!.push(high);
      if (!low && !high) {
        if (!(Number(r.low) < Number(r.high)) && !(integer && Number(r.low) === Number(r.high))) s[1]!.push({ label: param, message: `From (${r.low}) must be below To (${r.high}); swap them` });
        else if (r.log && Number(r.low) <= 0) s[1]!.push({ label: param, message: `a log scale needs From above 0, got ${r.low}; raise From or untick Log scale` });
      }
    }
    const t = fieldIssue('Number of models to try', trials, { integer: true, min: 1, required: 'enter how many models to try, 1 or more' });
    if (t) s[2]!.push(t);
    const m = fieldIssue('Stop after at most', minutes, { above: 0, unit: 'minutes', optional: true });
    if (m) s[2]!.push(m);
    const i = fieldIssue('Measure the idle machine first for', idle, { min: 0, max: 600, unit: 's', required: 'enter a number of seconds (0 skips it)' });
    if (i) s[2]!.push(i);
    const e = fieldIssue('Energy per prediction at most', maxMj, { above: 0, unit: energyUnit, optional: true });
    if (e) s[2]!.push(e);
    if (!regression) {
      const a = fieldIssue('Accuracy at least', minAcc, { min: 0, max: 100, unit: '%', optional: true });
      if (a) s[2]!.push(a);
    } else {
      const r = fieldIssue('RMSE at most', maxRmse, { above: 0, optional: true });
      if (r) s[2]!.push(r);
    }
    return s;
  }, [source, csv, images, readProblem, imgSize, cmdLine, cmdCwd, argv, cmdParams, ranges, trials, minutes, idle, maxMj, energyUnit, minAcc, maxRmse, regression]);

  const defaultName = useMemo(() => {
    const stem =
      source === 'csv' && csv ? baseName(csv.path).replace(/\.(csv|tsv|txt)$/i, '') : source === 'images' && images ? baseName(images.path) : source === 'command' && argv.ok ? baseName(argv.argv.find((a) => /\.\w+$/.test(a)) ?? 'my-script').replace(/\.\w+$/, '') : presetDataset;
    return safeName(`${stem}-${preset}`);
  }, [source, csv, images, argv, presetDataset, preset]);
  const studyName = name ?? defaultName;

  const rows = source === 'command' ? null : (summary?.rows ?? null);
  const fieldIssues = issuesByStep.flat();

  const final = useMemo<StudySpecInput | null>(() => {
    if (!base || fieldIssues.length) return null;
    const space: Space = {};
    if (source !== 'command') for (const [k, p] of Object.entries(base.space ?? {})) space[k] = p;
    for (const [k, r] of Object.entries(ranges)) {
      space[k] =
        r.type === 'categorical'
          ? { type: 'categorical', choices: choicesOf(r.choices) }
          : r.type === 'int'
            ? { type: 'int', low: Number(r.low), high: Number(r.high), log: r.log }
            : { type: 'float', low: Number(r.low), high: Number(r.high), log: r.log };
    }
    const objectives: StudySpecInput['objectives'] = [
      regression ? { metric: 'rmse', direction: 'minimize', ...(maxRmse.trim() ? { threshold: Number(maxRmse) } : {}) } : { metric: 'accuracy', direction: 'maximize', ...(minAcc.trim() ? { threshold: Number(minAcc) / 100 } : {}) },
      { metric: 'infer_energy_j_per_sample', direction: 'minimize', ...(maxMj.trim() ? { threshold: Number((Number(maxMj) * ENERGY_UNITS[energyUnit]).toPrecision(12)) } : {}) },
      ...(trainingEnergy ? [{ metric: 'train_energy_j' as const, direction: 'minimize' as const }] : []),
    ];
    const { dataset: _dataset, model: _model, ...rest } = base;
    const common = {
      ...rest,
      name: studyName,
      space,
      objectives,
      trials: Number(trials),
      meters: { idleBaselineS: Number(idle) },
      ...(minutes.trim() ? { timeBudgetS: Number(minutes) * 60 } : {}),
    };
    // the inference benchmark's settings are the built-in trainer's: a command measures its own (walk 50: the study file carried them)
    if (source === 'command' && argv.ok) {
      const { trial, ...others } = common;
      return { ...others, ...(trial?.timeoutS !== undefined ? { trial: { timeoutS: trial.timeoutS } } : {}), model: 'command', command: { argv: argv.argv, cwd: cmdCwd.trim() } };
    }
    if (source === 'csv' && csv && csv.target !== null) return { ...common, model: 'mlp', dataset: { csv: csv.path, target: csv.target } };
    if (source === 'images' && images) return { ...common, model: imageModel, dataset: { images: images.path, size: Number(imgSize), channels: imgChannels } };
    return { ...common, model: base.model ?? 'mlp', ...(base.dataset ? { dataset: base.dataset } : {}) };
  }, [base, fieldIssues.length, source, ranges, regression, minAcc, maxRmse, maxMj, energyUnit, trainingEnergy, studyName, trials, idle, minutes, argv, cmdCwd, csv, images, imageModel, imgSize, imgChannels]);
  const check = useMemo(() => (final ? parseStudySpec(final) : null), [final]);
  const specIssues = check && !check.ok ? check.issues.map(labelSpecIssue) : [];
  const issuesAt = (i: number) => [...issuesByStep[i]!, ...specIssues.filter((x) => x.step === i)];
  const clash = studies.find((s) => s.name === studyName) ?? null;
  const estimate = final ? estimateMinutes(final, rows) : null;
  // what the study will cost here, from the predictor fitted on this machine's trials (never stored)
  const [forecast, setForecast] = useState<Response<'study.forecast'> | null>(null);
  // from step 3 on, so that its duration is the one the review gives (walk 42: 'about 1 min', then '4.7 minutes')
  const forecastKey = step >= 2 && final && check?.ok ? JSON.stringify(final) : null;
  useEffect(() => {
    setForecast(null);
    if (!forecastKey) return;
    let live = true;
    const timer = setTimeout(() => {
      call('study.forecast', { spec: JSON.parse(forecastKey) as unknown }).then(
        (f) => live && setForecast(f),
        (e: Error) => live && setForecast({ ok: false, reason: e.message }),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [forecastKey]);

  const setRange = (param: string, patch: Partial<RangeDraft>) => setRanges((r) => ({ ...r, [param]: { ...r[param]!, ...patch } }));

  const start = () => {
    if (!final) return;
    setStarting(true);
    call('study.start', { spec: final, mustBeNew: true }).then(
      (r) => go('run', r.name),
      (e: Error) => {
        setStarting(false);
        setConcurrent(null);
        setError(e.message);
        void loadStudies();
      },
    );
  };
  const askThenStart = () =>
    call('machine.runs', {}).then(
      (r) => (r.runs.length ? setConcurrent(r.runs) : start()),
      (e: Error) => setError(e.message),
    );

  const next = (
    <button className="primary" onClick={() => setStep((s) => Math.min(STEPS.length - 1, s + 1))} data-testid="next">
      Next
    </button>
  );

  return (
    <section aria-labelledby="wizard-title">
      <h1 id="wizard-title">New study</h1>
      <nav aria-label="Wizard steps">
        <ol className="steps">
          {STEPS.map((s, i) => (
            <li key={s} className={i === step ? 'active' : ''}>
              <button onClick={() => setStep(i)} aria-current={i === step ? 'step' : undefined} data-testid={`step-${i}`}>
                {i + 1}. {s}
                {i < step && issuesAt(i).length ? <span className="step-warn"> (to fix)</span> : null}
              </button>
            </li>
          ))}
        </ol>
      </nav>

      {step === 0 && (
        <div data-testid="step-dataset">
          <fieldset>
            <legend>Which data should the models learn from?</legend>
            {datasets.map((d) => (
              <label key={d.name} className="choice">
                <input type="radio" name="dataset" checked={source === d.name} onChange={() => setSource(d.name as Source)} data-testid={`dataset-${d.name}`} /> <b>{d.name}</b> — {d.kind === 'image' ? 'small images' : 'a table'}, {d.rows.toLocaleString()} rows, {d.classes.length} classes, {d.features} features (bundled)
              </label>
            ))}
            <div className="choice">
              <label>
                <input type="radio" name="dataset" checked={source === 'csv'} onChange={() => setSource('csv')} data-testid="dataset-csv" /> A CSV file of your own
              </label>
              {source === 'csv' && (
                <div className="indent">
                  <PathField label="CSV file" kind="file" extensions={['.csv', '.tsv', '.txt']} value={csvPath} onChange={setCsvPath} onPick={(p) => void readCsv(p)} placeholder="~/data/my-table.csv" testId="csv-path" invalid={!!readProblem} />{' '}
                  <button onClick={() => void readCsv(csvPath)} disabled={!csvPath.trim() || reading} data-testid="csv-inspect">
                    Read it
                  </button>
                  {csv && (
                    <p>
                      <label>
                        Column to predict{' '}
                        <select value={csv.target ?? ''} onChange={(e) => void readCsv(csv.path, e.target.value)} data-testid="csv-target">
                          {csv.target === null && (
                            <option value="" disabled>
                              choose a column
                            </option>
                          )}
                          {csv.columns.map((c) => (
                            <option key={c}>{c}</option>
                          ))}
                        </select>
                      </label>
                    </p>
                  )}
                  {csv?.problem && (
                    <p className="warning" data-testid="csv-target-problem">
                      {csv.problem}
                    </p>
                  )}
                  {csv && csv.notes.length > 0 && <ul className="small">{csv.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
                </div>
              )}
            </div>
            <div className="choice">
              <label>
                <input type="radio" name="dataset" checked={source === 'images'} onChange={() => setSource('images')} data-testid="dataset-images" /> A folder of images of your own (one subfolder per class)
              </label>
              {source === 'images' && (
                <div className="indent">
                  <PathField label="Image folder" kind="folder" value={imgPath} onChange={setImgPath} onPick={(p) => void readImages(p)} placeholder="~/photos" testId="images-path" invalid={!!readProblem} />{' '}
                  <button onClick={() => void readImages(imgPath)} disabled={!imgPath.trim() || reading} data-testid="images-inspect">
                    Read it
                  </button>
                  <p>
                    <Field label="Resize images to">
                      <input type="number" min="4" max="256" value={imgSize} onChange={(e) => setImgSize(e.target.value)} data-testid="images-size" />
                    </Field>{' '}
                    pixels square ·{' '}
                    <label>
                      <input type="radio" name="channels" checked={imgChannels === 1} onChange={() => setImgChannels(1)} /> greyscale
                    </label>{' '}
                    <label>
                      <input type="radio" name="channels" checked={imgChannels === 3} onChange={() => setImgChannels(3)} /> colour
                    </label>
                  </p>
                  {images && images.notes.length > 0 && <ul className="small">{images.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
                </div>
              )}
            </div>
            <div className="choice">
              <label>
                <input type="radio" name="dataset" checked={source === 'command'} onChange={() => setSource('command')} data-testid="dataset-command" /> My own training script (it loads its own data; ECOpt runs it once per model and measures it)
              </label>
            </div>
          </fieldset>
          {reading && <p className="muted">Reading…</p>}
          {readProblem && (
            <p className="error" role="alert" data-testid="read-problem">
              {readProblem}
            </p>
          )}
          {summary && (
            <div className="card" data-testid="dataset-summary">
              <p>
                {summary.rows.toLocaleString()} {summary.kind === 'image' ? 'images' : 'rows'} · {summary.features} features
                {/* walk 42: "8 features" for 5 input columns */}
                {source === 'csv' && csv && summary.features > csv.columns.length - 1 ? ' (a text column makes one feature per category)' : ''} ·{' '}
                {summary.task === 'regression' ? 'regression (a number to predict)' : `classes: ${summary.classes.map((c) => `${c.name} (${c.count})`).join(', ')}`}
              </p>
              {summary.warnings.map((w) => (
                <p key={w} className="warning">
                  {w}
                </p>
              ))}
              <DatasetPreview d={summary} />
            </div>
          )}
          <Issues issues={issuesAt(0)} />
          {next}
        </div>
      )}

      {step === 1 && base && (
        <div data-testid="step-model">
          {source === 'command' && (
            <fieldset className="card">
              <legend>Your training script</legend>
              <p className="small">
                ECOpt runs this command once per model, without a shell, replacing each <code>{'{name}'}</code> with a value to try. Your script prints, each on its own line:{' '}
                <code>{'{"ecopt": "pause"}'}</code> first and <code>{'{"phase": "train"}'}</code> when training starts (its imports are then in no figure),{' '}
                <code>{'{"phase": "infer"}'}</code> before its inference benchmark, <code>{'{"phase": "evaluate"}'}</code> before scoring, and last one JSON line of results such as{' '}
                <code>{'{"accuracy": 0.93, "infer_samples": 1000}'}</code>. The README beside ECOpt (&ldquo;Your own training script&rdquo;) and its <code>examples/python</code> folder have the
                whole protocol and a worked script.
              </p>
              <p>
                <label>
                  Command line{' '}
                  <input value={cmdLine} onChange={(e) => setCmdLine(e.target.value)} size={60} placeholder="python3 train.py --lr {lr} --epochs {epochs}" data-testid="command-line" spellCheck={false} />
                </label>
              </p>
              <p>
                <PathField label="Run it in the folder" kind="folder" value={cmdCwd} onChange={setCmdCwd} placeholder="~/my-project" testId="command-cwd" />
              </p>
            </fieldset>
          )}
          {source !== 'command' && source === 'images' && (
            <fieldset>
              <legend>Which kind of model?</legend>
              <label className="choice">
                <input type="radio" name="family" checked={imageModel === 'cnn'} onChange={() => setImageModel('cnn')} data-testid="family-cnn" /> A convolutional network (CNN): made for images
              </label>
              <label className="choice">
                <input type="radio" name="family" checked={imageModel === 'mlp'} onChange={() => setImageModel('mlp')} data-testid="family-mlp" /> A multilayer perceptron (MLP): smaller, often enough for small images
              </label>
            </fieldset>
          )}
          <fieldset>
            <legend>How hard should ECOpt search? Bigger searches find better trade-offs and use more energy.</legend>
            {PRESETS.map((p) => (
              <label key={p} className="choice">
                <input type="radio" name="preset" checked={preset === p} onChange={() => setPreset(p)} data-testid={`preset-${p}`} /> <b>{p}</b> — <span data-testid={`preset-text-${p}`}>{presets ? presetText(presets[p], rows, source === 'command') : ''}</span>
              </label>
            ))}
            {source !== 'command' && <p className="small muted">Durations here are a rule of thumb; the next step forecasts from the trials measured on this machine, once it has some.</p>}
          </fieldset>
          <details open={source === 'command' || undefined}>
            <summary>{source === 'command' ? 'The parameters to search' : 'Advanced: the search ranges'}</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">Parameter</th>
                  {source === 'command' && <th scope="col">Kind</th>}
                  <th scope="col">From{source === 'command' ? ' (or the choices)' : ''}</th>
                  <th scope="col">To</th>
                  <th scope="col">Log scale</th>
                </tr>
              </thead>
              <tbody>
                {source === 'command'
                  ? Object.entries(ranges).map(([param, r]) => (
                      <tr key={param}>
                        <th scope="row">{param}</th>
                        <td>
                          <select value={r.type} onChange={(e) => setRange(param, { type: e.target.value as RangeDraft['type'] })} aria-label={`${param}: kind`}>
                            <option value="float">a decimal number</option>
                            <option value="int">a whole number</option>
                            <option value="categorical">one of a list</option>
                          </select>
                        </td>
                        {r.type === 'categorical' ? (
                          <td colSpan={3}>
                            <input
                              value={r.choices ?? ''}
                              onChange={(e) => setRange(param, { choices: e.target.value })}
                              placeholder="adam, sgd"
                              size={30}
                              aria-label={`${param}: choices, separated by commas`}
                              aria-invalid={issuesByStep[1]!.some((i) => i.label === `${param}, choices`) || undefined}
                              data-testid={`choices-${param}`}
                            />
                          </td>
                        ) : (
                          rangeCells(param, r)
                        )}
                      </tr>
                    ))
                  : Object.entries(base.space ?? {}).map(([param, p]) => {
                      const r = ranges[param];
                      // what the parameter is, in the family's words (walk 42: "epochs" was never explained)
                      const words = (MODEL_FAMILIES[(base.model ?? 'mlp') as ModelFamily]?.params as Record<string, FamilyParam> | undefined)?.[param]?.description;
                      const name = (
                        <th scope="row">
                          {param}
                          {words && <div className="small muted">{words}</div>}
                        </th>
                      );
                      return r ? (
                        <tr key={param}>
                          {name}
                          {rangeCells(param, r)}
                        </tr>
                      ) : (
                        <tr key={param}>
                          {name}
                          <td colSpan={3}>{p.type === 'categorical' ? p.choices.join(', ') : p.type === 'fixed' ? String(p.value) : ''}</td>
                        </tr>
                      );
                    })}
                {source === 'command' && Object.keys(ranges).length === 0 && (
                  <tr>
                    <td colSpan={5} className="muted">
                      Write each parameter into the command line in braces, e.g. --lr {'{lr}'}.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </details>
          <Issues issues={issuesAt(1)} />
          {next}
        </div>
      )}

      {step === 2 && base && (
        <div data-testid="step-objectives">
          <p>
            ECOpt looks for the best trade-offs between <b>{regression ? 'prediction error (RMSE)' : 'accuracy'}</b> and <b>energy per prediction</b>.
          </p>
          <label className="choice">
            <input type="checkbox" checked={trainingEnergy} onChange={(e) => setTrainingEnergy(e.target.checked)} data-testid="training-energy" /> Also keep training energy low
          </label>
          <Field
            label="Energy per prediction at most"
            hint={
              <>
                <select value={energyUnit} onChange={(e) => setEnergyUnit(e.target.value as EnergyUnit)} aria-label="Unit of the energy limit" data-testid="limit-energy-unit">
                  {(Object.keys(ENERGY_UNITS) as EnergyUnit[]).map((u) => (
                    <option key={u} value={u}>
                      {u}
                    </option>
                  ))}
                </select>{' '}
                (optional)
              </>
            }
          >
            <input inputMode="decimal" value={maxMj} onChange={(e) => setMaxMj(e.target.value)} data-testid="limit-energy" aria-invalid={issuesByStep[2]!.some((i) => i.label.startsWith('Energy')) || undefined} />
          </Field>
          {regression && (
            <Field label="RMSE at most" hint={`${targetUnitsText(csv?.target ?? null)} (optional)`}>
              <input inputMode="decimal" value={maxRmse} onChange={(e) => setMaxRmse(e.target.value)} data-testid="limit-rmse" aria-invalid={issuesByStep[2]!.some((i) => i.label.startsWith('RMSE')) || undefined} />
            </Field>
          )}
          {!regression && (
            <Field label="Accuracy at least" hint="% (optional)">
              <input inputMode="decimal" value={minAcc} onChange={(e) => setMinAcc(e.target.value)} data-testid="limit-accuracy" aria-invalid={issuesByStep[2]!.some((i) => i.label.startsWith('Accuracy')) || undefined} />
            </Field>
          )}
          <Field label="Number of models to try">
            <input inputMode="numeric" value={trials} onChange={(e) => setTrials(e.target.value)} data-testid="trials" aria-invalid={issuesByStep[2]!.some((i) => i.label.startsWith('Number')) || undefined} />
          </Field>
          <Field label="Stop after at most" hint="minutes (optional)">
            <input inputMode="decimal" value={minutes} onChange={(e) => setMinutes(e.target.value)} data-testid="minutes" />
          </Field>
          <Field label="Measure the idle machine first for" hint="s (0 skips it; needed for energy net of idle. Close other programs first: a baseline taken while the machine is busy is not used)">
            <input inputMode="decimal" value={idle} onChange={(e) => setIdle(e.target.value)} data-testid="idle" />
          </Field>
          {final && (
            <p data-testid="estimate">
              {durationLine(final.trials ?? 0, estimate, forecast)}
            </p>
          )}
          <Issues issues={issuesAt(2)} />
          {next}
        </div>
      )}

      {step === 3 && (
        <div data-testid="step-review">
          <p>
            <label>
              Study name <input value={studyName} onChange={(e) => setName(e.target.value)} data-testid="study-name" size={40} />
            </label>
          </p>
          {clash && (
            <div className="banner" role="alert" data-testid="name-clash">
              <p>
                A study named <b>{clash.name}</b> already exists in this study file ({clash.counts.complete + clash.counts.failed + clash.counts.pruned} of {clash.budget} models done). Running under the same name would
                continue that study, not start this one.
              </p>
              <button
                onClick={() => {
                  const done = clash.counts.complete + clash.counts.failed + clash.counts.pruned >= clash.budget;
                  if (done) return go('run', clash.name);
                  call('study.control', { name: clash.name, action: 'resume' }).then(
                    () => go('run', clash.name),
                    (e: Error) => setError(e.message),
                  );
                }}
                data-testid="clash-resume"
              >
                {clash.counts.complete + clash.counts.failed + clash.counts.pruned >= clash.budget ? `Open “${clash.name}” (finished)` : `Resume “${clash.name}”`}
              </button>{' '}
              <button onClick={() => setName(freeName(studyName, studies.map((s) => s.name)))} data-testid="clash-rename">
                Use the name “{freeName(studyName, studies.map((s) => s.name))}” for this new study
              </button>
            </div>
          )}
          {final && (
            <p data-testid="review-summary">
              {final.trials} models {final.model === 'command' ? <>of your script <code>{argv.ok ? argv.argv.join(' ') : ''}</code></> : <>({final.model === 'cnn' ? 'convolutional networks' : 'multilayer perceptrons'}) on <b>{final.dataset ? ('builtin' in final.dataset ? final.dataset.builtin : 'csv' in final.dataset ? final.dataset.csv : final.dataset.images) : ''}</b></>}; looking for the best trade-offs of{' '}
              {final.objectives.map((o) => METRICS[o.metric].label.toLowerCase()).join(', ')}
              {maxMj.trim() || minAcc.trim() || maxRmse.trim() ? ` within your limits (${[maxMj.trim() && `at most ${maxMj} ${energyUnit} per prediction`, minAcc.trim() && !regression && `at least ${minAcc}% accuracy`, maxRmse.trim() && regression && `RMSE at most ${maxRmse}`].filter(Boolean).join(', ')})` : ''}
              {minutes.trim() ? `, for at most ${minutes} min` : ''}. {/* the duration as step 3 gave it (walk 49: the review dropped it) */}
              {durationLine(final.trials ?? 0, estimate, forecast)}
            </p>
          )}
          {forecastKey && (
            <div data-testid="forecast">
              {forecast === null ? (
                <p className="small">Working out what this study will cost on this machine…</p>
              ) : forecast.ok ? (
                <>
                  <p>
                    <b>Forecast:</b> {forecast.line}.
                  </p>
                  <ul className="small" data-testid="forecast-details">
                    {forecast.details.map((d) => (
                      <li key={d}>{d}</li>
                    ))}
                  </ul>
                </>
              ) : (
                <p className="small">
                  No forecast of the energy: {forecast.reason}.
                  {/^not enough trials/.test(forecast.reason) &&
                    ' A forecast is fitted on trials measured on this machine: once 8 have finished (this study\'s first 8, or a first study of 8), the wizard forecasts studies like it.'}
                </p>
              )}
            </div>
          )}
          {final && (
            <details>
              <summary>The study file</summary>
              <pre className="small">{JSON.stringify(final, null, 2)}</pre>
            </details>
          )}
          <Issues issues={[...fieldIssues, ...specIssues]} />
          {concurrent && (
            <div className="banner" role="alert" data-testid="concurrent-warning">
              <p>
                {concurrent.length === 1 ? 'Another study is' : `${concurrent.length} other studies are`} running on this machine now:{' '}
                {concurrent.map((r) => `“${r.study}”${r.here ? '' : ` (pid ${r.pid}, ${r.dbPath})`}`).join(', ')}. Two studies at once share the machine: each one&apos;s energy figures would include part of
                the other&apos;s work, and neither would be a fair measurement.
              </p>
              <button onClick={start} disabled={starting} data-testid="concurrent-start">
                Start anyway
              </button>{' '}
              <button onClick={() => setConcurrent(null)} data-testid="concurrent-cancel">
                Not now
              </button>
            </div>
          )}
          <button className="primary" disabled={!final || !check?.ok || !!clash || starting || !!concurrent} data-testid="run" onClick={() => void askThenStart()}>
            Run
          </button>
        </div>
      )}
    </section>
  );

  function rangeCells(param: string, r: RangeDraft) {
    const bad = (which: 'From' | 'To') => issuesByStep[1]!.some((i) => i.label === `${param}, ${which}` || i.label === param) || undefined;
    return (
      <>
        <td>
          <input inputMode="decimal" value={r.low} onChange={(e) => setRange(param, { low: e.target.value })} aria-label={`${param}: from`} aria-invalid={bad('From')} data-testid={`low-${param}`} />
        </td>
        <td>
          <input inputMode="decimal" value={r.high} onChange={(e) => setRange(param, { high: e.target.value })} aria-label={`${param}: to`} aria-invalid={bad('To')} data-testid={`high-${param}`} />
        </td>
        <td>
          <input type="checkbox" checked={r.log} onChange={(e) => setRange(param, { log: e.target.checked })} aria-label={`${param}: log scale`} data-testid={`log-${param}`} />
        </td>
      </>
    );
  }
}

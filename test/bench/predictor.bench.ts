/**
 * npm run bench:predictor — how well the energy predictor fitted on this machine
 * (shared/predictor.ts) predicts what a trial will cost: leave-one-trial-out and
 * leave-one-study-out errors and R² per target and family, and, for each study, the `--plan`
 * forecast of its total from a fit on the other studies against what it measured.
 *
 * The data: small studies run with the real CLI (`ecopt tune`) into a temporary database — an
 * MLP and a CNN on the bundled digits and an MLP on a generated CSV, BENCH_TRIALS trials each
 * (default 10), then the default study as it ships (16 trials). BENCH_DB=<file> fits an
 * existing database instead (every study in it measured on this machine). Writes
 * docs/bench/predictor.{md,json}.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src-main/engine/store/store';
import { defaultSpecPath, loadSpecFile } from '../../src-main/engine/space/load-spec';
import { plannedShapes, predictorRows, thisMachineKey } from '../../src-main/engine/study/forecast';
import { fitPredictor, fitTarget, forecastLine, forecastTrials, predictOne, predictTotal, PREDICTOR_TARGETS, TARGET_LABELS, type PredictorRow, type PredictorTarget } from '../../src-main/shared/predictor';
import { makeRng } from '../../src-main/shared/rng';

const root = new URL('../..', import.meta.url).pathname;
const perStudy = Number(process.env.BENCH_TRIALS ?? 10);
const load = loadavg();
const started = Date.now();

function generateCsv(path: string): void {
  // three classes from 16 noisy features: enough to learn, quick to train
  const rng = makeRng(42);
  const lines = [[...Array.from({ length: 16 }, (_, i) => `f${i}`), 'label'].join(',')];
  for (let i = 0; i < 1500; i++) {
    const label = i % 3;
    const xs = Array.from({ length: 16 }, (_, j) => ((j % 3 === label ? 1 : 0) + rng.normal() * 0.8).toFixed(3));
    lines.push([...xs, `c${label}`].join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const common = { objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }], sampler: 'sobol', trials: perStudy, trial: { timeoutS: 300, minInferS: 0.3, inferBatchSize: 128 }, meters: { idleBaselineS: 0 } };
const STUDIES = [
  {
    family: 'MLP (digits)',
    spec: {
      name: 'bench-mlp-digits',
      dataset: { builtin: 'digits', maxSamples: 1500 },
      model: 'mlp',
      space: { hidden_layers: { type: 'int', low: 1, high: 3 }, units: { type: 'int', low: 8, high: 192, log: true }, epochs: { type: 'int', low: 1, high: 4 }, batch_size: { type: 'categorical', choices: [32, 64, 128] } },
      seed: 11,
      ...common,
    },
  },
  {
    family: 'CNN (digits)',
    spec: {
      name: 'bench-cnn-digits',
      dataset: { builtin: 'digits', maxSamples: 600 },
      model: 'cnn',
      space: { conv_layers: { type: 'int', low: 1, high: 2 }, filters: { type: 'int', low: 2, high: 8 }, dense_units: { type: 'int', low: 16, high: 64, log: true }, epochs: { type: 'int', low: 1, high: 2 }, batch_size: { type: 'categorical', choices: [32, 64] } },
      seed: 12,
      ...common,
    },
  },
  {
    family: 'MLP (CSV)',
    spec: {
      name: 'bench-mlp-csv',
      dataset: { csv: 'bench.csv', target: 'label' },
      model: 'mlp',
      space: { hidden_layers: { type: 'int', low: 1, high: 3 }, units: { type: 'int', low: 8, high: 256, log: true }, epochs: { type: 'int', low: 1, high: 5 }, batch_size: { type: 'categorical', choices: [16, 32, 64] } },
      seed: 13,
      ...common,
    },
  },
];

/** The default study (resources/studies/digits-mlp.json, 16 trials, its own sampler): what `--plan` is checked on. */
const DEFAULT_STUDY = { name: 'digits-mlp', family: 'MLP (digits, the default study)' };

let dbPath = process.env.BENCH_DB;
const familyOf = new Map<string, string>([...STUDIES.map((s) => [s.spec.name, s.family] as [string, string]), [DEFAULT_STUDY.name, DEFAULT_STUDY.family]]);
if (!dbPath) {
  const dir = mkdtempSync(join(tmpdir(), 'ecopt-bench-predictor-'));
  dbPath = join(dir, 'studies.db');
  generateCsv(join(dir, 'bench.csv'));
  process.stderr.write(`database: ${dbPath} (BENCH_DB=${dbPath} fits it again without running)\n`);
  for (const s of STUDIES) {
    const file = join(dir, `${s.spec.name}.json`);
    writeFileSync(file, JSON.stringify(s.spec));
    process.stderr.write(`running ${s.spec.name} (${perStudy} trials)…\n`);
    execFileSync(process.execPath, [join(root, 'bin/ecopt.js'), 'tune', file, '--db', dbPath, '--quiet', '--skip-idle', '--allow-concurrent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  process.stderr.write('running the default study (16 trials)…\n');
  execFileSync(process.execPath, [join(root, 'bin/ecopt.js'), 'tune', '--db', dbPath, '--quiet', '--skip-idle', '--allow-concurrent'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const store = new Store(dbPath, { readonly: true });
const rows = predictorRows(store, thisMachineKey());
const backends = [...new Set(store.listStudies().map((s) => s.backend ?? '?'))];
store.close();
const family = (r: PredictorRow) => familyOf.get(r.study) ?? `${r.family.toUpperCase()} (${r.study})`;

interface Cell {
  n: number;
  r2: number | null;
  medianRelError: number | null;
}

function cell(ys: number[], preds: number[]): Cell {
  const n = ys.length;
  if (n === 0) return { n, r2: null, medianRelError: null };
  const my = ys.reduce((a, y) => a + y, 0) / n;
  const ssTot = ys.reduce((a, y) => a + (y - my) ** 2, 0);
  const ssRes = ys.reduce((a, y, i) => a + (preds[i]! - y) ** 2, 0);
  const rel = ys.map((y, i) => Math.abs(Math.exp(preds[i]! - y) - 1)).sort((a, b) => a - b);
  const mid = Math.floor(n / 2);
  return { n, r2: n >= 3 && ssTot > 0 ? 1 - ssRes / ssTot : null, medianRelError: n % 2 ? rel[mid]! : (rel[mid - 1]! + rel[mid]!) / 2 };
}

/** Held-out log predictions for each row: refit without the trial, or without its study. */
function heldOutPredictions(target: PredictorTarget, data: PredictorRow[], leave: 'trial' | 'study'): (number | null)[] {
  return data.map((r, i) => {
    const fit = fitTarget(target, data.filter((o, j) => (leave === 'trial' ? j !== i : o.study !== r.study)));
    return fit.ok ? Math.log(predictOne(fit.fit, r).value) : null;
  });
}

const families = [...new Set(rows.map(family))];
const results: Record<string, unknown>[] = [];
const md: string[] = [
  '# bench:predictor',
  '',
  `The energy predictor fitted on this machine (\`src-main/shared/predictor.ts\`: per target, the better on held-out error of a log-linear ridge fit on log FLOPs, log parameters, log batch, log(samples × epochs) and a CNN flag, and a non-negative additive cost model — per trial, per epoch, per step, per step and parameter, per FLOP of work, per FLOP for a CNN). ${rows.length} complete trials from ${new Set(rows.map((r) => r.study)).size} studies run with \`ecopt tune\` (${families.map((f) => `${rows.filter((r) => family(r) === f).length} ${f}`).join(', ')}; small configurations with the sobol sampler, and the default study as it ships with its own sampler; \`--skip-idle\`, ${backends.join('/')} backend); ${new Date().toISOString().slice(0, 10)}, 2-core VM shared with other work (load average at start ${load.map((x) => x.toFixed(2)).join(', ')}). Energy from this machine's meters — here the CPU TDP estimate, so energy follows CPU time. Errors are of held-out predictions: each trial predicted by a fit without it (leave-one-trial-out), or each study by a fit on the other studies only (leave-one-study-out). R² is of log y; median error is the median of |predicted / actual − 1|. A family's R² is against that family's own spread, which is small (similar configurations): there a negative R² beside a small median error means the fit does no better than the family's mean, not that it is far off.`,
  '',
];
for (const target of PREDICTOR_TARGETS) {
  const data = rows.filter((r) => Number.isFinite(r.targets[target]) && r.targets[target]! > 0);
  const ys = data.map((r) => Math.log(r.targets[target]!));
  const loto = heldOutPredictions(target, data, 'trial');
  const loso = heldOutPredictions(target, data, 'study');
  const table = (group: string, pick: (r: PredictorRow) => boolean) => {
    const idx = data.map((r, i) => (pick(r) ? i : -1)).filter((i) => i >= 0);
    const a = idx.filter((i) => loto[i] !== null);
    const b = idx.filter((i) => loso[i] !== null);
    const t = cell(a.map((i) => ys[i]!), a.map((i) => loto[i]!));
    const s = cell(b.map((i) => ys[i]!), b.map((i) => loso[i]!));
    results.push({ target, group, leaveOneTrialOut: t, leaveOneStudyOut: s });
    const f = (c: Cell) => `${c.r2 === null ? '—' : c.r2.toFixed(2)} | ${c.medianRelError === null ? '—' : `${(c.medianRelError * 100).toFixed(0)}%`}`;
    return `| ${group} | ${idx.length} | ${f(t)} | ${f(s)} |`;
  };
  const whole = fitTarget(target, data);
  const chosen = whole.ok
    ? `Model chosen on all ${whole.fit.n} trials: **${whole.fit.kind}** (${whole.fit.features.join(', ')}); leave-one-trial-out log error ${whole.fit.looTrial.rmsLogError.toFixed(3)} against ${whole.fit.other.looTrial ? whole.fit.other.looTrial.rmsLogError.toFixed(3) : '—'} for the ${whole.fit.other.kind} model. Each held-out prediction below refits, model choice included, without the held-out trial or study.`
    : whole.reason;
  results.push({ target, chosen: whole.ok ? { kind: whole.fit.kind, features: whole.fit.features, other: whole.fit.other } : null });
  md.push(`## ${TARGET_LABELS[target]}`, '', chosen, '', '| family | trials | R², leave one trial out | median error | R², leave one study out | median error |', '|---|---|---|---|---|---|');
  md.push(table('all', () => true));
  for (const f of families) md.push(table(f, (r) => family(r) === f));
  md.push('');
}

// the `--plan` question: each study's total forecast from the other studies alone, and from all
// the other trials (its own included, as when a study is resumed or re-run on this machine)
md.push('## A study\'s total before it runs (what `ecopt tune --plan` says)', '', '| study | trials | actual total | forecast from the other studies | inside its 90% interval | forecast from every other trial | inside |', '|---|---|---|---|---|---|---|');
const plans: Record<string, unknown>[] = [];
for (const study of [...new Set(rows.map((r) => r.study))]) {
  const target: PredictorTarget = 'trial_energy_j';
  const own = rows.filter((r) => r.study === study && Number.isFinite(r.targets[target]));
  const actual = own.reduce((a, r) => a + r.targets[target]!, 0);
  const other = fitTarget(target, rows.filter((r) => r.study !== study));
  const fOther = other.ok ? predictTotal(other.fit, own) : null;
  // all other trials: the interval of the fit on every trial, but each prediction held out
  const all = fitTarget(target, rows);
  let fAll: { center: number; plusMinus: number } | null = null;
  if (all.ok) {
    const loto = heldOutPredictions(target, rows.filter((r) => Number.isFinite(r.targets[target])), 'trial');
    const inStudy = rows.filter((r) => Number.isFinite(r.targets[target])).map((r, i) => (r.study === study ? loto[i] : null)).filter((v): v is number => v !== null);
    const median = inStudy.reduce((a, v) => a + Math.exp(v), 0);
    const h = all.fit.intervalLog;
    fAll = { center: (median * Math.exp(-h) + median * Math.exp(h)) / 2, plusMinus: (median * Math.exp(h) - median * Math.exp(-h)) / 2 };
  }
  const kj = (j: number) => `${(j / 1000).toFixed(2)} kJ`;
  const inside = (f: { center: number; plusMinus: number } | null) => (f ? (Math.abs(actual - f.center) <= f.plusMinus ? 'yes' : 'no') : '—');
  md.push(`| ${familyOf.get(study) ?? study} | ${own.length} | ${kj(actual)} | ${fOther ? `${kj(fOther.center)} ± ${kj(fOther.plusMinus)}` : other.ok ? '—' : 'not enough trials'} | ${inside(fOther)} | ${fAll ? `${kj(fAll.center)} ± ${kj(fAll.plusMinus)}` : '—'} | ${inside(fAll)} |`);
  plans.push({ study, trials: own.length, actualJ: actual, fromOtherStudies: fOther, fromOtherTrials: fAll });
}
// the default study exactly as `ecopt tune --plan` forecasts it (the sampler's proposals, not the
// trials it ran), from the other studies alone, against what it measured
const defaultRows = rows.filter((r) => r.study === DEFAULT_STUDY.name);
if (defaultRows.length) {
  const spec = loadSpecFile(defaultSpecPath());
  const plan = forecastTrials(fitPredictor(rows.filter((r) => r.study !== DEFAULT_STUDY.name)), await plannedShapes(spec, spec.trials), 0);
  const actual = defaultRows.reduce((a, r) => a + (r.targets.trial_energy_j ?? 0), 0);
  if (plan.ok) {
    const f = plan.forecast.energyJ;
    const line = `\`ecopt tune --plan\` for the default study, fitted on the other studies only: ${forecastLine(plan.forecast)}; measured ${(actual / 1000).toFixed(2)} kJ over its ${defaultRows.length} trials — ${Math.abs(actual - f.center) <= f.plusMinus ? 'inside' : 'OUTSIDE'} the stated interval (${((f.center / actual - 1) * 100).toFixed(0)}% off).`;
    md.push('', line);
    plans.push({ study: DEFAULT_STUDY.name, plan: plan.forecast, actualJ: actual });
  } else md.push('', `\`ecopt tune --plan\` for the default study from the other studies: ${plan.reason}`);
}
md.push(
  '',
  'The interval of a study\'s total takes its trials\' errors as moving together (one shared factor), so it is wide; it comes from leave-one-study-out errors once the database holds 3 studies measured on this machine, from leave-one-trial-out errors plus a ±35% allowance for a study run at another time before that (the \'from the other studies\' column above fits on 3 studies, so it has no allowance).',
  '',
  process.env.BENCH_DB
    ? `Fitted by \`BENCH_DB=… npm run bench:predictor\` in ${((Date.now() - started) / 1000).toFixed(0)} s on a database its own studies made earlier the same day (the three small studies: 393 s, then the default study: about 3 min, at load averages of 6–17); the load average above is the fit's.`
    : `Generated by \`npm run bench:predictor\` in ${((Date.now() - started) / 1000).toFixed(0)} s (studies and fit).`,
  '',
);
mkdirSync(join(root, 'docs/bench'), { recursive: true });
writeFileSync(join(root, 'docs/bench/predictor.md'), md.join('\n'));
writeFileSync(join(root, 'docs/bench/predictor.json'), `${JSON.stringify({ date: new Date().toISOString(), trials: rows.length, loadAverage: load, results, plans }, null, 2)}\n`);
process.stdout.write(md.join('\n'));
